// Exports the block watcher as a Mirari plugin.
#include "block_watcher_plugin.hpp"

MIRARI_PLUGIN(mirari::block::BlockWatcherPlugin, "block-watcher", "1.0.0", mirari::Kind::watcher,
              "publishes the host's block devices from uevents and sysfs (block.devices) and "
              "every change to them (block.events)")
