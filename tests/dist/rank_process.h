// Starting `bertq` ranks as child processes for the data-parallel tests: the built-in synthetic
// corpus and a vocabulary trained on it (so the tests need nothing from ../shared), a tiny model
// folder, the common training flags, spawn / wait with the rank's environment, output to a log
// file.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/file_util.h"
#include "data/synthetic.h"
#include "text/vocab_trainer.h"

namespace bertq::testing {

// Training data and vocabulary of a test run.
struct TinyData {
  std::string train, vocab;
};

// 160 reviews of the built-in synthetic corpus (data/synthetic.h) in DIR/train.jsonl and a
// 400-token WordPiece vocabulary trained on them in DIR/vocab.txt.
inline TinyData write_synthetic_data(const std::string& dir) {
  data::SyntheticOptions o;
  o.train_size = 160;
  o.test_size = 16;
  const std::string train = data::write_synthetic_corpus(dir, o)[0];
  text::VocabTrainer t({.vocab_size = 400});
  t.add_file(train);
  std::string body;
  for (const auto& token : t.train()) body += token + "\n";
  write_file_atomic(dir + "/vocab.txt", body);
  return {train, dir + "/vocab.txt"};
}

// A from-scratch 2-layer BERT (hidden 32) with the vocabulary `vocab`.
inline std::string write_tiny_model(const std::string& dir, const std::string& vocab) {
  make_dirs(dir);
  write_file_atomic(dir + "/config.json", R"({"model_type": "bert", "vocab_size": 30522,
    "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
    "intermediate_size": 64, "max_position_embeddings": 128, "type_vocab_size": 2,
    "hidden_act": "gelu", "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1, "id2label": {"0": "NEGATIVE", "1": "POSITIVE"},
    "label2id": {"NEGATIVE": 0, "POSITIVE": 1}})");
  write_file_atomic(dir + "/vocab.txt", read_file(vocab));
  return dir;
}

// `bertq train` on 160 reviews (32 held out), 64 tokens, `epochs` epochs, dropout `dropout`
// (0: the ranks' dropout streams do not matter), a train line every step, a checkpoint every 2
// steps; add --batch-size, --out.
inline std::vector<std::string> tiny_train_args(const std::string& model, const std::string& data,
                                                const std::string& epochs,
                                                const std::string& dropout = "0") {
  return {BERTQ_CLI,
          "train",
          "--model",
          model,
          "--train",
          data,
          "--limit",
          "160",
          "--validation-split",
          "0.2",
          "--max-length",
          "64",
          "--epochs",
          epochs,
          "--lr",
          "1e-3",
          "--dropout",
          dropout,
          "--log-every",
          "1",
          "--save-every",
          "2",
          "--threads",
          "1"};
}

// Starts argv with `env` (NAME=VALUE) added; stdout and stderr go to `log`.
inline pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                   const std::string& log) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
  const int fd = ::creat(log.c_str(), 0644);
  ::dup2(fd, 1);
  ::dup2(fd, 2);
  std::vector<char*> a;
  for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
  a.push_back(nullptr);
  ::execv(a[0], a.data());
  ::_exit(127);
}

// The wait status of `pid` (0 = exit 0).
inline int wait_for(pid_t pid) {
  int st = -1;
  ::waitpid(pid, &st, 0);
  return st;
}

// torchrun's variables for rank `rank` of `world` with the store at host:port.
inline std::vector<std::string> rank_env(int rank, int world, const std::string& host, int port) {
  return {"RANK=" + std::to_string(rank),
          "WORLD_SIZE=" + std::to_string(world),
          "LOCAL_RANK=" + std::to_string(rank),
          "LOCAL_WORLD_SIZE=" + std::to_string(world),
          "MASTER_ADDR=" + host,
          "MASTER_PORT=" + std::to_string(port)};
}

// A TCP port free on 127.0.0.1 now.
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t n = sizeof(a);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(fd);
  return ntohs(a.sin_port);
}

}  // namespace bertq::testing
