#include "plugin_code.hpp"

#include <dlfcn.h>
#include <link.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <nlohmann/json.hpp>

namespace mirari::host {

namespace {

constexpr std::size_t kSlots = 256;
constexpr std::size_t kRanges = 8;

struct Slot {
  std::atomic<bool> live{false};
  std::size_t ranges = 0;
  std::uintptr_t begin[kRanges] = {};
  std::uintptr_t end[kRanges] = {};
  char name[512] = {};
  char marker[1536] = {};
  PluginCode code{name, marker};
};

std::array<Slot, kSlots> slots;

void copy(char* into, std::size_t size, const std::string& text) {
  const std::size_t n = std::min(size - 1, text.size());
  std::memcpy(into, text.data(), n);
  into[n] = '\0';
}

// The loaded segments of the object holding address, as [begin, end) ranges.
struct Segments {
  std::uintptr_t base = 0;
  std::size_t count = 0;
  std::uintptr_t begin[kRanges] = {};
  std::uintptr_t end[kRanges] = {};
};

Segments segments_of(const void* address) {
  Dl_info info{};
  link_map* map = nullptr;
  Segments out;
  if (::dladdr1(address, &info, reinterpret_cast<void**>(&map), RTLD_DL_LINKMAP) == 0 ||
      map == nullptr) {
    return out;
  }
  out.base = map->l_addr;
  ::dl_iterate_phdr(
      [](dl_phdr_info* object, std::size_t, void* data) {
        auto* found = static_cast<Segments*>(data);
        if (object->dlpi_addr != found->base) return 0;
        for (int i = 0; i < object->dlpi_phnum && found->count < kRanges; ++i) {
          const auto& segment = object->dlpi_phdr[i];
          if (segment.p_type != PT_LOAD) continue;
          found->begin[found->count] = object->dlpi_addr + segment.p_vaddr;
          found->end[found->count] = object->dlpi_addr + segment.p_vaddr + segment.p_memsz;
          ++found->count;
        }
        return 1;
      },
      &out);
  return out;
}

// Clears its slot before the library it holds is released.
struct Registration {
  std::shared_ptr<PluginLibrary> library;
  Slot* slot = nullptr;
  ~Registration() {
    if (slot != nullptr) slot->live.store(false, std::memory_order_release);
  }
};

}  // namespace

std::shared_ptr<PluginLibrary> register_plugin_code(std::shared_ptr<PluginLibrary> library,
                                                    const std::string& instance) {
  const Descriptor& d = library->descriptor();
  const Segments segments = segments_of(reinterpret_cast<const void*>(d.create));
  Slot* free_slot = nullptr;
  for (Slot& slot : slots) {
    if (!slot.live.load(std::memory_order_acquire)) {
      free_slot = &slot;
      break;
    }
  }
  if (segments.count == 0 || free_slot == nullptr) return library;

  Slot& slot = *free_slot;
  slot.ranges = segments.count;
  std::copy(segments.begin, segments.begin + kRanges, slot.begin);
  std::copy(segments.end, segments.end + kRanges, slot.end);
  copy(slot.name, sizeof slot.name,
       "plugin instance '" + instance + "' (" + d.name + " " + d.version + " from " +
           library->file().string() + ")");
  std::string marker = nlohmann::json({{"instance", instance},
                                       {"plugin", d.name},
                                       {"version", d.version},
                                       {"file", library->file().string()}})
                           .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  marker.pop_back();  // the closing brace: the crash handler appends the signal and closes it
  marker += ",\"signal\":";
  copy(slot.marker, sizeof slot.marker, marker);
  slot.live.store(true, std::memory_order_release);

  auto registration = std::make_shared<Registration>();
  registration->library = std::move(library);
  registration->slot = &slot;
  PluginLibrary* raw = registration->library.get();
  return std::shared_ptr<PluginLibrary>(std::move(registration), raw);
}

const PluginCode* plugin_code_at(std::uintptr_t address) noexcept {
  for (const Slot& slot : slots) {
    if (!slot.live.load(std::memory_order_acquire)) continue;
    for (std::size_t i = 0; i < slot.ranges; ++i) {
      if (address >= slot.begin[i] && address < slot.end[i]) return &slot.code;
    }
  }
  return nullptr;
}

const PluginCode* plugin_code_on_stack(void* const* frames, int count) noexcept {
  for (int i = 0; i < count; ++i) {
    // A return address: one byte back lies inside the calling instruction.
    if (const PluginCode* code = plugin_code_at(reinterpret_cast<std::uintptr_t>(frames[i]) - 1)) {
      return code;
    }
  }
  return nullptr;
}

}  // namespace mirari::host
