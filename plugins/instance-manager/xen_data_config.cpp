#include "xen_data_config.hpp"

namespace mirari::instances {

std::string DomainConfigWriter::directory(std::uint32_t domid) {
  return "/local/domain/" + std::to_string(domid) + "/data/config";
}

void DomainConfigWriter::write(std::uint32_t domid, const InstanceConfig& config) {
  const std::string dir = directory(domid);
  try {
    if (!store_) store_ = xen::XenStore::open();
    for (;;) {
      const xen::XenStore::Transaction t = store_.begin();
      try {
        for (const std::string& key :
             store_.directory(t, dir).value_or(std::vector<std::string>{})) {
          if (config.count(key) == 0) store_.remove(t, dir + "/" + key);
        }
        for (const auto& [key, value] : config) store_.write(t, dir + "/" + key, value);
      } catch (...) {
        store_.abort(t);
        throw;
      }
      if (store_.commit(t)) return;
    }
  } catch (const xen::XenStoreError&) {
    store_.close();
    throw;
  }
}

}  // namespace mirari::instances
