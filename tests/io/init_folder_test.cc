// init_model_folder (the library side of `bertq init`): files written, vocabulary size taken
// from the vocabulary, tokenizer files copied, existing models protected, result loadable.
#include "common/test_util.h"
#include "core/error.h"
#include "core/file_util.h"
#include "io/init_model.h"
#include "io/model_folder.h"

namespace bertq::io {
namespace {

InitFolderOptions small(const std::string& vocab_file) {
  InitFolderOptions o;
  BertConfig& c = o.init.config;
  c.hidden_size = 16;
  c.num_hidden_layers = 1;
  c.num_attention_heads = 2;
  c.intermediate_size = 32;
  c.max_position_embeddings = 64;
  c.id2label = {"NEG", "POS", "MID"};
  o.vocab_file = vocab_file;
  o.init.seed = 3;
  return o;
}

TEST(InitFolder, WritesLoadableModelWithVocabulary) {
  bertq::testing::TempDir tmp;
  write_file_atomic(tmp.file("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
  const std::string dir = tmp.file("m");
  const InitFolderResult r = init_model_folder(dir, small(tmp.file("vocab.txt")));
  EXPECT_EQ(r.config.vocab_size, 5);
  EXPECT_EQ(r.files.size(), 4u);
  // 5x16 + 64x16 + 2x16 + 2x16 (embeddings) + one layer + pooler + classifier.
  const int64_t layer = 4 * (16 * 16 + 16) + 2 * 16 + (32 * 16 + 32) + (16 * 32 + 16) + 2 * 16;
  EXPECT_EQ(r.parameters,
            5 * 16 + 64 * 16 + 2 * 16 + 2 * 16 + layer + (16 * 16 + 16) + (3 * 16 + 3));
  EXPECT_EQ(read_file(join_path(dir, "vocab.txt")), read_file(tmp.file("vocab.txt")));
  const auto tc = nlohmann::json::parse(read_file(join_path(dir, "tokenizer_config.json")));
  EXPECT_EQ(tc["do_lower_case"], true);
  EXPECT_EQ(tc["model_max_length"], 64);
  const ModelFolder m = ModelFolder::load(dir);
  EXPECT_EQ(m.config.id2label, (std::vector<std::string>{"NEG", "POS", "MID"}));
  EXPECT_EQ(m.weights.get(BertTensor::WORD_EMBEDDINGS).shape, (std::vector<int64_t>{5, 16}));
  EXPECT_TRUE(m.weights.missing_head().empty());
  // A second init into the same folder is refused unless overwrite is set.
  EXPECT_THROW(init_model_folder(dir, small(tmp.file("vocab.txt"))), Error);
  InitFolderOptions again = small(tmp.file("vocab.txt"));
  again.overwrite = true;
  again.init.seed = 4;
  const std::string before = read_file(join_path(dir, "model.safetensors"));
  init_model_folder(dir, again);
  EXPECT_NE(read_file(join_path(dir, "model.safetensors")), before);
}

TEST(InitFolder, VocabSizeRules) {
  bertq::testing::TempDir tmp;
  write_file_atomic(tmp.file("vocab.txt"), "a\nb\nc\n");
  InitFolderOptions o = small(tmp.file("vocab.txt"));
  o.vocab_size_given = true;
  o.init.config.vocab_size = 4;
  EXPECT_THROW(init_model_folder(tmp.file("a"), o), Error);  // disagrees with the file
  o = small("");
  EXPECT_THROW(init_model_folder(tmp.file("b"), o), Error);  // nothing gives a size
  o.vocab_size_given = true;
  o.init.config.vocab_size = 7;
  const InitFolderResult r = init_model_folder(tmp.file("c"), o);
  EXPECT_EQ(r.config.vocab_size, 7);
  EXPECT_EQ(r.files.size(), 2u);  // no tokenizer files without a vocabulary
}

TEST(InitFolder, CopiesTokenizerFolder) {
  bertq::testing::TempDir tmp;
  const std::string tok = tmp.file("tok");
  make_dirs(tok);
  write_file_atomic(join_path(tok, "tokenizer.json"),
                    R"({"model": {"vocab": {"[PAD]": 0, "a": 1, "b": 5}},
                        "added_tokens": [{"id": 8, "content": "[X]"}]})");
  write_file_atomic(join_path(tok, "tokenizer_config.json"), R"({"do_lower_case": false})");
  EXPECT_EQ(tokenizer_vocab_size(tok), 9);
  InitFolderOptions o = small("");
  o.tokenizer_from = tok;
  const InitFolderResult r = init_model_folder(tmp.file("m"), o);
  EXPECT_EQ(r.config.vocab_size, 9);
  EXPECT_EQ(read_file(tmp.file("m/tokenizer_config.json")), R"({"do_lower_case": false})");
  EXPECT_TRUE(file_exists(tmp.file("m/tokenizer.json")));
  EXPECT_THROW(tokenizer_vocab_size(tmp.path()), Error);
}

// Another architecture's folder is written under its own tensor names and keeps the file's
// metadata ({"format": "pt"}, without which transformers refuses the file), and reads back.
TEST(InitFolder, DistilBertFolderHasItsNamesAndTheMetadata) {
  bertq::testing::TempDir tmp;
  write_file_atomic(tmp.file("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
  InitFolderOptions o = small(tmp.file("vocab.txt"));
  o.init.config.arch = Arch::DISTILBERT;
  o.init.config.type_vocab_size = 1;
  init_model_folder(tmp.file("m"), o);
  const SafeTensorsFile f(tmp.file("m/model.safetensors"));
  EXPECT_EQ(f.metadata().count("format"), 1u);
  if (f.metadata().count("format")) EXPECT_EQ(f.metadata().at("format"), "pt");
  EXPECT_NE(f.find("distilbert.transformer.layer.0.ffn.lin1.weight"), nullptr);
  EXPECT_NE(f.find("pre_classifier.weight"), nullptr);
  EXPECT_EQ(f.find("bert.encoder.layer.0.intermediate.dense.weight"), nullptr);
  EXPECT_EQ(ModelFolder::load(tmp.file("m")).config.arch, Arch::DISTILBERT);
}

}  // namespace
}  // namespace bertq::io
