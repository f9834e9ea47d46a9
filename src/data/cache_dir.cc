// $BERTQ_HOME or $HOME/.cache/bertq (falling back to ./.bertq when HOME is unset).
#include "data/cache_dir.h"

#include <cstdlib>

#include "core/file_util.h"

namespace bertq::data {

std::string bertq_home() {
  const char* h = std::getenv("BERTQ_HOME");
  if (h != nullptr && *h != '\0') return h;
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return join_path(home, ".cache/bertq");
  return ".bertq";
}

std::string cache_dir(const std::string& sub) {
  return join_path(bertq_home(), sub);
}

}  // namespace bertq::data
