// Route matching (see routes.h).
#include "server/routes.h"

namespace bertq::server {

const Route* match_route(std::string_view path, std::string* model) {
  for (const Route& r : kRoutes) {
    const std::string_view pattern = r.path;
    const size_t slot = pattern.find("{model}");
    if (slot == std::string_view::npos) {
      if (path == pattern) return &r;
      continue;
    }
    const std::string_view before = pattern.substr(0, slot);
    const std::string_view after = pattern.substr(slot + 7);
    if (path.size() <= before.size() + after.size() || path.substr(0, before.size()) != before ||
        path.substr(path.size() - after.size()) != after)
      continue;
    const std::string_view name =
        path.substr(before.size(), path.size() - before.size() - after.size());
    if (name.find('/') != std::string_view::npos) continue;
    if (model != nullptr) *model = std::string(name);
    return &r;
  }
  return nullptr;
}

}  // namespace bertq::server
