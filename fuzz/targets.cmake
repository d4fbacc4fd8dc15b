# The fuzz targets: NAME, its harness and what it links. Shared by fuzz/ (libFuzzer) and
# tests/fuzz/ (replay of the corpus and the regressions), which define mirari_fuzz_target.
set(MIRARI_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
mirari_fuzz_target(control_request
  SOURCES ${MIRARI_FUZZ_DIR}/control_request_fuzz.cpp LIBS mirari_host)
mirari_fuzz_target(config
  SOURCES ${MIRARI_FUZZ_DIR}/config_fuzz.cpp LIBS mirari_host)
mirari_fuzz_target(link_messages
  SOURCES ${MIRARI_FUZZ_DIR}/link_messages_fuzz.cpp LIBS mirari_net_watcher)
mirari_fuzz_target(neighbour_messages
  SOURCES ${MIRARI_FUZZ_DIR}/neighbour_messages_fuzz.cpp LIBS mirari_arp_watcher)
mirari_fuzz_target(uevent
  SOURCES ${MIRARI_FUZZ_DIR}/uevent_fuzz.cpp LIBS mirari_block_watcher)
mirari_fuzz_target(xenstore
  SOURCES ${MIRARI_FUZZ_DIR}/xenstore_fuzz.cpp LIBS mirari_xenstore_watcher)
mirari_fuzz_target(load_report
  SOURCES ${MIRARI_FUZZ_DIR}/load_report_fuzz.cpp LIBS mirari_load_monitor)
mirari_fuzz_target(port_json
  SOURCES ${MIRARI_FUZZ_DIR}/port_json_fuzz.cpp LIBS mirari::sdk)
mirari_fuzz_target(running_config
  SOURCES ${MIRARI_FUZZ_DIR}/running_config_fuzz.cpp LIBS mirari_routes)
mirari_fuzz_target(openflow_rules
  SOURCES ${MIRARI_FUZZ_DIR}/openflow_rules_fuzz.cpp LIBS mirari_openflow)
mirari_fuzz_target(etcd_answers
  SOURCES ${MIRARI_FUZZ_DIR}/etcd_answers_fuzz.cpp LIBS mirari_cluster)
mirari_fuzz_target(openflow_replies
  SOURCES ${MIRARI_FUZZ_DIR}/openflow_replies_fuzz.cpp LIBS mirari_openflow)
