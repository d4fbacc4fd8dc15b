// The XenStore watcher's handling of paths and values: domain ids, the objects a changed
// path makes it read again, and the tables (domains, vifs, vbds, data) made from domain
// trees, updated, compared and carried through JSON.
//
// Input: lines "DOMID<TAB>PATH<TAB>VALUE", each a node of a domain's tree; a line without
// tabs is a changed path, as a watch event names one.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
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
  DomainReads reads;  // what a refresh read again: the objects of the changed paths
  for (const std::string_view line : split(input, '\n')) {
    const auto fields = split(line, '\t');
    if (fields.size() < 3) {
      (void)objects_to_read(line);
      (void)parse_domid(line);
      continue;
    }
    const auto domid = parse_domid(fields[0]);
    if (!domid) continue;
    const std::string path(fields[1]);
    // A domain's first node is in the trees before; every node is in the trees after.
    if (!before.contains(*domid)) before[*domid][path] = std::string(fields[2]);
    after[*domid][path] = std::string(fields[2]);
    DomainRead& read = reads[*domid];
    for (std::string& object : objects_to_read(path)) {
      if (object.empty()) read.whole = true;
      (void)is_within(path, object);
      read.objects.push_back(std::move(object));
    }
    for_each_in_subtree(after[*domid], path, [](const std::string&, const std::string&) {});
  }
  for (auto& [domid, read] : reads) {
    if (read.whole) read.objects.clear();
  }
  XenTables tables = make_tables(before);
  XenChanges changes;
  update_tables(tables, after, reads, changes);
  update_tables(tables, after, whole_domains(after), changes);
  XenChanges all;
  diff(make_tables(before), make_tables(after), all);
  const nlohmann::json j = tables;
  (void)j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  XenTables back;
  from_json(j, back);
  return 0;
}
