// Where downloads live: $BERTQ_HOME, else ~/.cache/bertq. Models go to
// models/<org>--<name>/<revision>/, datasets to datasets/.
//
//   std::string dir = bertq::data::cache_dir("datasets");  // ~/.cache/bertq/datasets
#pragma once

#include <string>

namespace bertq::data {

std::string bertq_home();
// bertq_home()/sub (not created).
std::string cache_dir(const std::string& sub);

}  // namespace bertq::data
