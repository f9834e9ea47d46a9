// `bertq download model NAME [--revision main] [--to DIR]` and `bertq download imdb [--to DIR]`:
// fetch once into the cache ($BERTQ_HOME or ~/.cache/bertq), resumable and verified (see
// data/download.h, data/hub.h).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "core/interrupt.h"
#include "data/hub.h"

namespace bertq::cli {
namespace {

struct DownloadCliOptions {
  std::string name, revision = "main", to, endpoint, url, sha256;
};

Command reg("download", 6, [](CLI::App& app) {
  auto* dl = app.add_subcommand("download",
                                "Download a model from the Hugging Face hub or the "
                                "IMDB dataset (cached, resumable, verified)");
  dl->require_subcommand(1);
  auto o = std::make_shared<DownloadCliOptions>();

  auto* model = dl->add_subcommand("model",
                                   "Fetch config.json, vocab.txt, tokenizer files and "
                                   "model.safetensors (honours HF_ENDPOINT, HF_TOKEN)");
  model->add_option("NAME", o->name, "Hub repository, e.g. bert-base-uncased")->required();
  model->add_option("--revision", o->revision, "Branch, tag or commit")->capture_default_str();
  model->add_option("--to", o->to, "Target folder (default: the cache)");
  model->add_option("--endpoint", o->endpoint,
                    "Hub endpoint (default: $HF_ENDPOINT or "
                    "https://huggingface.co)");
  model->callback([o] {
    install_interrupt_handlers();
    data::HubOptions h;
    h.revision = o->revision;
    h.to = o->to;
    h.endpoint = o->endpoint;
    std::printf("%s\n", data::download_model(o->name, h).c_str());
  });

  auto* imdb = dl->add_subcommand("imdb",
                                  "Fetch the Stanford aclImdb_v1.tar.gz (sha256-checked); "
                                  "read in place by `imdb` dataset specs");
  imdb->add_option("--to", o->to, "Target folder (default: $BERTQ_HOME/datasets)");
  imdb->add_option("--url", o->url, "Mirror URL (default: the Stanford URL or $BERTQ_IMDB_URL)");
  imdb->add_option("--sha256", o->sha256,
                   "Expected sha256 (default: the known digest for the "
                   "Stanford URL)");
  imdb->callback([o] {
    install_interrupt_handlers();
    data::ImdbDownloadOptions d;
    d.to = o->to;
    d.url = o->url;
    d.sha256 = o->sha256;
    std::printf("%s\n", data::download_imdb(d).c_str());
  });
});

}  // namespace
}  // namespace bertq::cli
