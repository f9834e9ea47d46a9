// Post-processing templates (HF TemplateProcessing / BertProcessing): where the special
// tokens go around sequence A (and B for pairs) and which type id each part gets.
// BERT: single "[CLS] $A [SEP]", pair "[CLS] $A [SEP] $B:1 [SEP]:1".
//
//   auto pp = bertq::text::PostProcessor::bert(101, 102);
//   pp.added(false) == 2;  pp.added(true) == 3;
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bertq::text {

struct TemplateItem {
  int sequence = -1;  // -1: special tokens `ids` (named `name`); 0: sequence A; 1: sequence B
  std::string name;
  std::vector<int32_t> ids;
  int type_id = 0;
};

struct PostProcessor {
  std::vector<TemplateItem> single, pair;
  // RobertaProcessing / ByteLevel trim_offsets and their add_prefix_space (offset_trim.h),
  // applied to each sequence's content tokens after truncation.
  bool trim_offsets = false;
  bool trim_add_prefix_space = false;
  bool has_trim_settings = false;  // RobertaProcessing / ByteLevel: the two above were read

  static PostProcessor bert(int32_t cls_id, int32_t sep_id, const std::string& cls = "[CLS]",
                            const std::string& sep = "[SEP]");
  static PostProcessor none();
  // Special tokens added to one sequence (pair = false) or to a pair.
  size_t added(bool pair) const;
};

}  // namespace bertq::text
