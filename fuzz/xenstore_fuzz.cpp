// The XenStore watcher's handling of paths and values: domain ids, the objects a changed
// path makes it read again, and the tables (domains, vifs, vbds, data) made from domain
// trees, updated, compared and carried through JSON.
//
// Input: lines "DOMID<TAB>PATH<TAB>VALUE", each a node of a domain's tree; a line without
// tabs is a changed path, as a watch event names one.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "domain_trees.hpp"
#include "xen_tables.hpp"

namespace {

std::vector<std::string_view> split(std::string_view text, char by) {
  std::vector<std::string_view> out;
  while (true) {
    const auto at = text.find(by);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mirari::xen;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  DomainTrees before, after;
  std::set<std::uint32_t> touched;
  for (const std::string_view line : split(input, '\n')) {
    const auto fields = split(line, '\t');
    if (fields.size() < 3) {
      (void)objects_to_read(line);
      (void)parse_domid(line);
      continue;
    }
    const auto domid = parse_domid(fields[0]);
    (void)objects_to_read(fields[1]);
    if (!domid) continue;
    // The first half of the lines make the trees before, all of them the trees after.
    if (touched.size() % 2 == 0) before[*domid][std::string(fields[1])] = std::string(fields[2]);
    after[*domid][std::string(fields[1])] = std::string(fields[2]);
    touched.insert(*domid);
  }
  XenTables tables = make_tables(before);
  XenChanges changes;
  DomainReads reads;
  for (const std::uint32_t domid : touched) reads[domid].whole = true;
  update_tables(tables, after, reads, changes);
  XenChanges all;
  diff(make_tables(before), make_tables(after), all);
  const nlohmann::json j = tables;
  (void)j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  XenTables back;
  from_json(j, back);
  return 0;
}
