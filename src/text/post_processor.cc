// Post-processing templates (see post_processor.h).
#include "text/post_processor.h"

namespace bertq::text {

PostProcessor PostProcessor::bert(int32_t cls_id, int32_t sep_id, const std::string& cls,
                                  const std::string& sep) {
  PostProcessor p;
  const TemplateItem c{-1, cls, {cls_id}, 0}, s0{-1, sep, {sep_id}, 0}, s1{-1, sep, {sep_id}, 1};
  p.single = {c, {0, "A", {}, 0}, s0};
  p.pair = {c, {0, "A", {}, 0}, s0, {1, "B", {}, 1}, s1};
  return p;
}

PostProcessor PostProcessor::none() {
  PostProcessor p;
  p.single = {{0, "A", {}, 0}};
  p.pair = {{0, "A", {}, 0}, {1, "B", {}, 1}};
  return p;
}

size_t PostProcessor::added(bool pair) const {
  size_t n = 0;
  for (const auto& it : pair ? this->pair : single)
    if (it.sequence < 0) n += it.ids.size();
  return n;
}

}  // namespace bertq::text
