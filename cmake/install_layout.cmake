# Where `cmake --install` puts Mirari, relative to the prefix (GNUInstallDirs), and how the
# installed programs and plugins find libmirari without LD_LIBRARY_PATH.
#
#   bin/mirarid, bin/mirarictl, bin/mirari-xenstored
#   LIBDIR/libmirari.so.*, include/mirari/, LIBDIR/cmake/mirari/   the SDK
#   LIBDIR/mirari/plugins/*.so                                    the stock plugins and policies
#   SYSCONFDIR/mirari/mirarid.toml                                the commented default config
#   MIRARI_INSTALL_UNITDIR/mirarid.service                        the systemd unit
#
# The SDK stays a shared library (the host and every plugin must share one graph, one port
# registry and one set of interned type names), found through a RUNPATH relative to $ORIGIN, so
# an installed tree works wherever it is moved or unpacked (a temporary prefix, a package root).
include(GNUInstallDirs)

set(MIRARI_INSTALL_PLUGINDIR "${CMAKE_INSTALL_LIBDIR}/mirari/plugins")
# systemd looks for units in PREFIX/lib/systemd/system (never under a multiarch LIBDIR).
set(MIRARI_INSTALL_UNITDIR "lib/systemd/system" CACHE STRING
    "Where the systemd unit goes (relative: under the install prefix)")

# from_dir -> to_path as a path relative to from_dir when both are under the prefix, else
# to_path made absolute (a SYSCONFDIR of /etc).
function(mirari_relative_install_path out from_dir to_path)
  if(IS_ABSOLUTE "${to_path}")
    set(${out} "${to_path}" PARENT_SCOPE)
    return()
  endif()
  file(RELATIVE_PATH relative "/prefix/${from_dir}" "/prefix/${to_path}")
  set(${out} "${relative}" PARENT_SCOPE)
endfunction()

mirari_relative_install_path(MIRARI_BINDIR_TO_LIBDIR "${CMAKE_INSTALL_BINDIR}"
                             "${CMAKE_INSTALL_LIBDIR}")
mirari_relative_install_path(MIRARI_PLUGINDIR_TO_LIBDIR "${MIRARI_INSTALL_PLUGINDIR}"
                             "${CMAKE_INSTALL_LIBDIR}")

# An installed program under bin/ finds libmirari in LIBDIR.
function(mirari_install_programs)
  set_target_properties(${ARGN} PROPERTIES INSTALL_RPATH "$ORIGIN/${MIRARI_BINDIR_TO_LIBDIR}")
  install(TARGETS ${ARGN} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endfunction()

# An installed stock plugin finds libmirari in LIBDIR when it is opened from the plugin
# directory by another program (mirarid has it loaded already, whatever the plugin's path).
function(mirari_install_plugins)
  set_target_properties(${ARGN} PROPERTIES INSTALL_RPATH "$ORIGIN/${MIRARI_PLUGINDIR_TO_LIBDIR}")
  install(TARGETS ${ARGN} LIBRARY DESTINATION ${MIRARI_INSTALL_PLUGINDIR})
endfunction()

# Installs SOURCE (in the current source directory) as DIR/NAME, configured at install time with
# @MIRARI_BINDIR@, @MIRARI_SYSCONFDIR@ and @MIRARI_PLUGINDIR@ as absolute paths under the prefix
# installed to (`cmake --install --prefix P` included; DESTDIR is not part of them).
function(mirari_install_configured source dir name)
  set(in "${CMAKE_CURRENT_SOURCE_DIR}/${source}")
  set(out "${CMAKE_CURRENT_BINARY_DIR}/installed/${name}")
  install(CODE "
    foreach(pair \"BINDIR;${CMAKE_INSTALL_BINDIR}\" \"SYSCONFDIR;${CMAKE_INSTALL_SYSCONFDIR}\"
                 \"PLUGINDIR;${MIRARI_INSTALL_PLUGINDIR}\")
      list(GET pair 0 key)
      list(GET pair 1 path)
      if(NOT IS_ABSOLUTE \"\${path}\")
        set(path \"\${CMAKE_INSTALL_PREFIX}/\${path}\")
      endif()
      set(MIRARI_\${key} \"\${path}\")
    endforeach()
    configure_file(\"${in}\" \"${out}\" @ONLY)
  ")
  install(FILES "${out}" DESTINATION "${dir}")
endfunction()
