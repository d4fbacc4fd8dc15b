#include "elf_check.hpp"

#include <elf.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mirari/plugin_library.hpp"

// The ELF header of this executable, placed by the linker: what a library must match.
extern "C" const ElfW(Ehdr) __ehdr_start;

namespace mirari::host {

namespace {

using Ehdr = ElfW(Ehdr);
using Phdr = ElfW(Phdr);
using Shdr = ElfW(Shdr);

class Reader {
 public:
  Reader(int fd, const std::filesystem::path& shown) : fd_(fd), shown_(shown) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) refuse(std::string("cannot inspect it: ") + std::strerror(errno));
    size_ = static_cast<std::uint64_t>(st.st_size);
  }

  [[noreturn]] void refuse(const std::string& why) const {
    throw PluginLoadError(shown_.string() + ": not a loadable library for this machine: " + why);
  }

  std::uint64_t size() const noexcept { return size_; }

  // Refuses unless [offset, offset + length) lies within the file.
  void within(std::uint64_t offset, std::uint64_t length, const std::string& what) const {
    if (offset > size_ || length > size_ - offset) {
      refuse(what + " (bytes " + std::to_string(offset) + " to " + std::to_string(offset + length) +
             ") lies beyond the end of the file (" + std::to_string(size_) +
             " bytes): is it truncated?");
    }
  }

  template <class T>
  std::vector<T> table(std::uint64_t offset, std::uint64_t count, const std::string& what) const {
    if (count > size_ / sizeof(T)) refuse(what + " claims more entries than the file holds");
    within(offset, count * sizeof(T), what);
    std::vector<T> out(count);
    read(out.data(), count * sizeof(T), offset, what);
    return out;
  }

  void read(void* into, std::size_t length, std::uint64_t offset, const std::string& what) const {
    auto* at = static_cast<char*>(into);
    std::size_t done = 0;
    while (done < length) {
      const ssize_t n = ::pread(fd_, at + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) refuse("cannot read " + what);
      done += static_cast<std::size_t>(n);
    }
  }

 private:
  int fd_;
  const std::filesystem::path& shown_;
  std::uint64_t size_ = 0;
};

void check_header(const Reader& file, const Ehdr& h) {
  const Ehdr& self = __ehdr_start;
  if (std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0) file.refuse("it is not an ELF file");
  if (h.e_ident[EI_CLASS] != self.e_ident[EI_CLASS]) {
    file.refuse(std::string("it is a ") + (h.e_ident[EI_CLASS] == ELFCLASS32 ? "32" : "64") +
                "-bit ELF file; mirarid is " +
                (self.e_ident[EI_CLASS] == ELFCLASS32 ? "32" : "64") + "-bit");
  }
  if (h.e_ident[EI_DATA] != self.e_ident[EI_DATA]) file.refuse("its byte order is not mirarid's");
  if (h.e_ident[EI_VERSION] != EV_CURRENT || h.e_version != EV_CURRENT) {
    file.refuse("unknown ELF version");
  }
  if (h.e_machine != self.e_machine) {
    file.refuse("it is built for ELF machine " + std::to_string(h.e_machine) +
                ", mirarid runs on machine " + std::to_string(self.e_machine));
  }
  if (h.e_type != ET_DYN)
    file.refuse("it is not a shared object (ELF type " + std::to_string(h.e_type) + ")");
  if (h.e_ehsize != sizeof(Ehdr)) file.refuse("its ELF header has a wrong size");
}

void check_segments(const Reader& file, const Ehdr& h) {
  if (h.e_phentsize != sizeof(Phdr) || h.e_phnum == 0 || h.e_phnum == PN_XNUM) {
    file.refuse("its program header table is malformed");
  }
  const auto segments = file.table<Phdr>(h.e_phoff, h.e_phnum, "its program header table");
  bool load = false, dynamic = false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Phdr& p = segments[i];
    const std::string what = "segment " + std::to_string(i);
    file.within(p.p_offset, p.p_filesz, what);
    if (p.p_type == PT_LOAD) {
      load = true;
      if (p.p_filesz > p.p_memsz) file.refuse(what + " holds more bytes than it maps");
    }
    if (p.p_type == PT_DYNAMIC) dynamic = true;
  }
  if (!load) file.refuse("it has no loadable segment");
  if (!dynamic) file.refuse("it has no dynamic section: it is not a shared library");
}

void check_sections(const Reader& file, const Ehdr& h) {
  if (h.e_shoff == 0) {
    if (h.e_shnum != 0) file.refuse("its section header table is malformed");
    return;
  }
  if (h.e_shentsize != sizeof(Shdr)) file.refuse("its section header table is malformed");
  std::uint64_t count = h.e_shnum;
  if (count == 0) {  // more sections than e_shnum holds: the count is in section 0
    count = file.table<Shdr>(h.e_shoff, 1, "its section header table")[0].sh_size;
  }
  const auto sections = file.table<Shdr>(h.e_shoff, count, "its section header table");
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const Shdr& s = sections[i];
    if (s.sh_type == SHT_NOBITS || s.sh_type == SHT_NULL) continue;
    file.within(s.sh_offset, s.sh_size, "section " + std::to_string(i));
  }
  if (h.e_shstrndx != SHN_UNDEF && h.e_shstrndx != SHN_XINDEX && h.e_shstrndx >= count) {
    file.refuse("its section name table index is out of range");
  }
}

}  // namespace

void check_elf(int fd, const std::filesystem::path& shown) {
  const Reader file(fd, shown);
  if (file.size() < sizeof(Ehdr)) {
    if (file.size() >= SELFMAG) {
      Ehdr h{};
      file.read(&h, SELFMAG, 0, "its header");
      if (std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0) file.refuse("it is not an ELF file");
    }
    file.refuse("it is too short for an ELF header (" + std::to_string(file.size()) +
                " bytes): is it truncated?");
  }
  Ehdr h{};
  file.read(&h, sizeof h, 0, "its header");
  check_header(file, h);
  check_segments(file, h);
  check_sections(file, h);
}

}  // namespace mirari::host
