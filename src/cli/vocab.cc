// `bertq vocab train`: trains a WordPiece vocabulary (text/vocab_trainer.h) from text files
// (plain lines or JSON Lines, optionally gzip) and writes vocab.txt atomically.
//
//   bertq vocab train --input corpus.jsonl.gz --vocab-size 8000 --out model/vocab.txt
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/error.h"
#include "core/file_util.h"
#include "text/vocab.h"
#include "text/vocab_trainer.h"

namespace bertq::cli {
namespace {

struct VocabTrainCliOptions {
  std::vector<std::string> inputs;
  std::string out = "vocab.txt", text_field = "text";
  size_t vocab_size = 30522, limit_alphabet = 1000;
  uint64_t min_frequency = 2;
  bool cased = false;
};

void run_train(const VocabTrainCliOptions& o) {
  text::VocabTrainerOptions t;
  t.vocab_size = o.vocab_size;
  t.min_frequency = o.min_frequency;
  t.limit_alphabet = o.limit_alphabet;
  t.normalizer.lowercase = !o.cased;
  t.normalizer.strip_accents = !o.cased;
  text::VocabTrainer trainer(t);
  for (const auto& f : o.inputs) trainer.add_file(f, o.text_field);
  const auto tokens = trainer.train();
  write_file_atomic(o.out, text::Vocab::from_tokens(tokens, o.out).to_text());
  std::fprintf(stderr, "vocab train: %zu distinct words -> %zu tokens in %s\n", trainer.num_words(),
               tokens.size(), o.out.c_str());
}

Command reg("vocab", 80, [](CLI::App& app) {
  auto* vocab = app.add_subcommand("vocab", "Vocabulary tools");
  vocab->require_subcommand(1);
  auto o = std::make_shared<VocabTrainCliOptions>();
  auto* train = vocab->add_subcommand(
      "train", "Train a WordPiece vocabulary (BERT normalization, ## continuations)");
  train->add_option("--input", o->inputs, "Text files: plain lines or JSON Lines, optionally gzip")
      ->required();
  train
      ->add_option("--vocab-size", o->vocab_size,
                   "Tokens in the vocabulary, special tokens included")
      ->capture_default_str();
  train->add_option("--min-frequency", o->min_frequency, "Do not merge pairs seen fewer times")
      ->capture_default_str();
  train->add_option("--limit-alphabet", o->limit_alphabet, "Keep at most this many characters")
      ->capture_default_str();
  train->add_option("--text-field", o->text_field, "JSON Lines: the field holding the text")
      ->capture_default_str();
  train->add_flag("--cased", o->cased,
                  "Keep case and accents (default: lower-case, strip accents)");
  train->add_option("--out", o->out, "Output vocab.txt")->capture_default_str();
  train->callback([o] { run_train(*o); });
});

}  // namespace
}  // namespace bertq::cli
