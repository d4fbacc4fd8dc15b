// Built with GNU extensions on: xenctrl.h needs them.
#include "xen_toolstack.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

// C headers without extern "C" guards of their own.
extern "C" {
#include <libxl.h>
#include <libxl_utils.h>
#include <xenctrl.h>
#include <xentoollog.h>
}

#include "xen_domain_state.hpp"

namespace mirari::instances {

static_assert(domain_flags::dying == XEN_DOMINF_dying);
static_assert(domain_flags::shutdown == XEN_DOMINF_shutdown);
static_assert(domain_flags::paused == XEN_DOMINF_paused);
static_assert(domain_flags::blocked == XEN_DOMINF_blocked);
static_assert(domain_flags::running == XEN_DOMINF_running);
static_assert(domain_flags::shutdown_shift == XEN_DOMINF_shutdownshift);
static_assert(domain_flags::shutdown_mask == XEN_DOMINF_shutdownmask);
static_assert(shutdown_code::poweroff == SHUTDOWN_poweroff);
static_assert(shutdown_code::reboot == SHUTDOWN_reboot);
static_assert(shutdown_code::suspend == SHUTDOWN_suspend);
static_assert(shutdown_code::crash == SHUTDOWN_crash);
static_assert(shutdown_code::watchdog == SHUTDOWN_watchdog);
static_assert(shutdown_code::soft_reset == SHUTDOWN_soft_reset);

namespace {

struct Handles {
  xentoollog_logger_stdiostream* logger = nullptr;
  xc_interface* xc = nullptr;
  libxl_ctx* xl = nullptr;

  ~Handles() {
    if (xl != nullptr) libxl_ctx_free(xl);
    if (xc != nullptr) xc_interface_close(xc);
    if (logger != nullptr) xtl_logger_destroy(reinterpret_cast<xentoollog_logger*>(logger));
  }
};

std::string libxl_failure(const char* call, int rc) {
  return std::string(call) + " failed with libxl error " + std::to_string(rc);
}

char* copy(const std::string& text) {
  char* out = ::strdup(text.c_str());
  if (out == nullptr) throw std::bad_alloc();
  return out;
}

std::string uuid_text(const xen_domain_handle_t handle) {
  char text[37];
  std::snprintf(
      text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
      handle[0], handle[1], handle[2], handle[3], handle[4], handle[5], handle[6], handle[7],
      handle[8], handle[9], handle[10], handle[11], handle[12], handle[13], handle[14], handle[15]);
  return text;
}

// Disposes of a libxl_domain_config however create() leaves it.
struct DomainConfigGuard {
  libxl_domain_config* config;
  ~DomainConfigGuard() { libxl_domain_config_dispose(config); }
};

// The toolstack of a Xen host: libxenctrl and libxl.
class LibxlToolstack final : public XenToolstack {
 public:
  explicit LibxlToolstack(std::unique_ptr<Handles> handles) : handles_(std::move(handles)) {}

  std::vector<ListedDomain> list_domains() override;
  std::uint32_t create(const XenDomainConfig& config) override;
  void shutdown(std::uint32_t domid) override;
  void destroy(std::uint32_t domid) override;

 private:
  std::unique_ptr<Handles> handles_;
};

}  // namespace

std::unique_ptr<XenToolstack> XenToolstack::open() {
  auto handles = std::make_unique<Handles>();
  handles->logger = xtl_createlogger_stdiostream(stderr, XTL_WARN, 0);
  auto* logger = reinterpret_cast<xentoollog_logger*>(handles->logger);
  errno = 0;
  handles->xc = xc_interface_open(logger, logger, 0);
  if (handles->xc == nullptr) {
    const int error = errno;
    throw XenUnavailable(
        "the xen backend needs a Xen host: cannot open the hypervisor interface "
        "(xc_interface_open: " +
        std::string(error != 0 ? std::strerror(error) : "failed") +
        "); this host is not a Xen dom0 with /dev/xen/privcmd");
  }
  const int rc = libxl_ctx_alloc(&handles->xl, LIBXL_VERSION, 0, logger);
  if (rc != 0 || handles->xl == nullptr) {
    handles->xl = nullptr;
    throw XenUnavailable("the xen backend needs a Xen host: cannot open libxl (" +
                         libxl_failure("libxl_ctx_alloc", rc) +
                         "); are xenstored and the Xen toolstack running?");
  }
  return std::make_unique<LibxlToolstack>(std::move(handles));
}

std::vector<ListedDomain> LibxlToolstack::list_domains() {
  std::vector<ListedDomain> out;
  std::vector<xc_domaininfo_t> batch(256);
  std::uint32_t first = 0;
  for (;;) {
    const int n = xc_domain_getinfolist(handles_->xc, first, static_cast<unsigned>(batch.size()),
                                        batch.data());
    if (n < 0) {
      throw std::runtime_error(std::string("xc_domain_getinfolist failed: ") +
                               std::strerror(errno));
    }
    for (int i = 0; i < n; ++i) {
      const xc_domaininfo_t& info = batch[static_cast<std::size_t>(i)];
      ListedDomain d;
      d.domid = info.domain;
      d.uuid = uuid_text(info.handle);
      d.flags = info.flags;
      if (char* name = libxl_domid_to_name(handles_->xl, info.domain)) {
        d.name = name;
        std::free(name);
      }
      out.push_back(std::move(d));
    }
    if (n < static_cast<int>(batch.size())) return out;
    first = batch.back().domain + 1;
  }
}

std::uint32_t LibxlToolstack::create(const XenDomainConfig& config) {
  libxl_domain_config d;
  libxl_domain_config_init(&d);
  const DomainConfigGuard guard{&d};
  const libxl_domain_type type =
      config.type == GuestType::pv ? LIBXL_DOMAIN_TYPE_PV : LIBXL_DOMAIN_TYPE_PVH;

  d.c_info.type = type;
  d.c_info.name = copy(config.name);
  if (libxl_uuid_from_string(&d.c_info.uuid, config.uuid.c_str()) != 0) {
    throw std::runtime_error("'" + config.uuid + "' is not a UUID");
  }

  libxl_domain_build_info_init_type(&d.b_info, type);
  d.b_info.max_memkb = config.memory_kib;
  d.b_info.target_memkb = config.memory_kib;
  d.b_info.max_vcpus = static_cast<int>(config.vcpus);
  if (libxl_cpu_bitmap_alloc(handles_->xl, &d.b_info.avail_vcpus, static_cast<int>(config.vcpus)) !=
      0) {
    throw std::runtime_error("cannot allocate the vCPU map");
  }
  for (std::uint32_t i = 0; i < config.vcpus; ++i) {
    libxl_bitmap_set(&d.b_info.avail_vcpus, static_cast<int>(i));
  }
  d.b_info.kernel = copy(config.kernel);
  if (!config.cmdline.empty()) d.b_info.cmdline = copy(config.cmdline);
  if (!config.ramdisk.empty()) d.b_info.ramdisk = copy(config.ramdisk);

  if (config.bridge) {
    d.nics = static_cast<libxl_device_nic*>(std::calloc(1, sizeof(libxl_device_nic)));
    if (d.nics == nullptr) throw std::bad_alloc();
    d.num_nics = 1;
    libxl_device_nic_init(&d.nics[0]);
    d.nics[0].nictype = LIBXL_NIC_TYPE_VIF;
    d.nics[0].bridge = copy(*config.bridge);
  }

  std::uint32_t domid = 0;
  const int rc = libxl_domain_create_new(handles_->xl, &d, &domid, nullptr, nullptr);
  if (rc != 0) throw std::runtime_error(libxl_failure("libxl_domain_create_new", rc));
  return domid;
}

void LibxlToolstack::shutdown(std::uint32_t domid) {
  const int rc = libxl_domain_shutdown(handles_->xl, domid, nullptr);
  if (rc != 0) throw std::runtime_error(libxl_failure("libxl_domain_shutdown", rc));
}

void LibxlToolstack::destroy(std::uint32_t domid) {
  const int rc = libxl_domain_destroy(handles_->xl, domid, nullptr);
  if (rc != 0) throw std::runtime_error(libxl_failure("libxl_domain_destroy", rc));
}

}  // namespace mirari::instances
