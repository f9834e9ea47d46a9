// `bertq serve --model DIR [--host 127.0.0.1] [--port 8080] [--max-batch 32] [--max-wait-ms 5]
// [--threads N] [--compute fp32|bf16] [--max-text-bytes N] [--max-texts N] ...`: the HTTP inference
// server (src/server). Loads the model once, serves POST /v1/classify, POST / (Hugging Face
// text-classification), GET /healthz, /readyz, /metrics, /openapi.json and the KServe v2 routes;
// SIGTERM / SIGINT drain in-flight requests and exit 0; SIGHUP re-reads --api-key-file.
// API keys: --api-key-file and/or the environment variable BERTQ_API_KEYS; TLS: --tls-cert and
// --tls-key. A request's default max_length / truncation and the head+tail head
// tokens: --max-length / --truncation / --head-tokens when given, else the model's config.json
// "bertq" block (its training recipe), else 512 (at most the model's max_position_embeddings)
// / head / 128; the warm-up runs at that max length.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/engine_flags.h"
#include "cli/model_option.h"
#include "cli/tokenization_flags.h"
#include "core/error.h"
#include "core/log.h"
#include "server/server.h"
#include "server/stop_signals.h"

namespace bertq::cli {
namespace {

struct ServeOptions {
  std::string model;
  std::string api_key_file;
  int header_timeout_ms = 10000, body_timeout_ms = 30000;
  server::ServerOptions server;
  EngineFlags engine;
  int max_wait_ms = 5;
  int timeout_ms = 30000;
  size_t max_queue = 4096;
};

void run(ServeOptions o) {
  // First: SIGINT/SIGTERM become a drain request handled on one waiting thread (stop_signals.h).
  server::StopSignals signals;
  o.server.batcher.max_wait = std::chrono::milliseconds(o.max_wait_ms);
  o.server.batcher.max_queue = o.max_queue;
  o.server.request_timeout = std::chrono::milliseconds(o.timeout_ms);
  o.server.http.header_timeout = std::chrono::milliseconds(o.header_timeout_ms);
  o.server.http.body_timeout = std::chrono::milliseconds(o.body_timeout_ms);
  o.server.keys = server::ApiKeys::load(o.api_key_file, std::getenv("BERTQ_API_KEYS"));
  o.server.http.validate();  // before the model loads: a bad flag fails fast
  check(o.max_wait_ms >= 0, ErrorCode::INVALID_ARGUMENT, "--max-wait-ms: must not be negative");
  check(o.timeout_ms > 0, ErrorCode::INVALID_ARGUMENT, "--timeout-ms: must be positive");
  check(o.server.limits.max_texts >= 1, ErrorCode::INVALID_ARGUMENT, "--max-texts: must be >= 1");
  check(o.server.limits.max_text_bytes >= 1, ErrorCode::INVALID_ARGUMENT,
        "--max-text-bytes: must be >= 1");

  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<server::Backend> backend =
      server::make_classifier_backend(o.model, o.engine.options());
  log_info(cat("loaded ", o.model, " in ",
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), " s"));
  server::Server srv(*backend, o.server);
  signals.on_reload([&srv] {
    try {  // a bad file keeps the keys in use
      srv.reload_keys();
      log_info("SIGHUP: API keys re-read");
    } catch (const std::exception& e) {
      log_warn(cat("SIGHUP: API keys not re-read, the previous ones stay: ", e.what()));
    }
  });
  signals.on_stop([&srv](int sig, int count) {
    if (count > 1) {  // a second signal: the user does not want to wait for the drain
      std::fprintf(stderr, "bertq serve: signal %d again: exiting without draining\n", sig);
      std::_Exit(130);
    }
    log_info(cat("signal ", sig, ": draining in-flight requests, then exiting (again to force)"));
    srv.stop();
  });
  const int port = srv.bind();
  log_info(cat("listening on ", o.server.http.tls.enabled() ? "https" : "http", "://",
               o.server.host, ":", port, " (max batch ", o.server.batcher.max_batch, ", max wait ",
               o.max_wait_ms, " ms, ", o.server.http.handler_threads, " request threads, ",
               o.server.keys.enabled() ? cat(o.server.keys.size(), " API keys") : "no API keys",
               "); /readyz turns 200 after warm-up"));
  srv.serve();
  signals.close();  // no handler call may reach srv once it is gone
  log_info("stopped");
}

Command reg("serve", 70, [](CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Serve a model over HTTP with dynamic batching");
  add_model_option(cmd, "--model", o->model, "Model (config.json, model.safetensors, tokenizer)")
      ->required();
  cmd->add_option("--host", o->server.host, "Address to bind (default 127.0.0.1: local only)")
      ->capture_default_str()
      ->group("Network");
  cmd->add_option("--port", o->server.port, "Port (0 = any free port, printed at start)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535))
      ->group("Network");
  auto& http = o->server.http;
  cmd->add_option("--http-threads", http.handler_threads,
                  "Requests handled at once (read and written by the I/O threads: a waiting "
                  "connection holds no thread)")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096))
      ->group("Network");
  cmd->add_option("--io-threads", http.io_threads, "Threads doing all socket I/O")
      ->capture_default_str()
      ->check(CLI::Range(1, 64))
      ->group("Network");
  cmd->add_option("--max-connections", http.max_connections,
                  "Open connections; beyond, a new one gets 503 and is closed")
      ->capture_default_str()
      ->group("Network");
  cmd->add_option("--max-connections-per-client", http.max_connections_per_client,
                  "Open connections from one client address (503 beyond)")
      ->capture_default_str()
      ->group("Network");
  cmd->add_option("--header-timeout-ms", o->header_timeout_ms,
                  "A request's headers (and a keep-alive connection's next request) must arrive "
                  "within this, else the connection closes")
      ->capture_default_str()
      ->group("Network");
  cmd->add_option("--body-timeout-ms", o->body_timeout_ms,
                  "A request's body must arrive (and an answer be read) within this")
      ->capture_default_str()
      ->group("Network");
  cmd->add_option("--keep-alive-max-requests", http.keep_alive_max_requests,
                  "Requests per keep-alive connection")
      ->capture_default_str()
      ->group("Network");
  cmd->add_option("--tls-cert", http.tls.cert_file, "PEM certificate chain: serve HTTPS (TLS 1.2+)")
      ->group("Security");
  cmd->add_option("--tls-key", http.tls.key_file, "PEM private key of --tls-cert")
      ->group("Security");
  cmd->add_option("--api-key-file", o->api_key_file,
                  "API keys, one per line (also BERTQ_API_KEYS): the model routes need "
                  "`Authorization: Bearer KEY`; re-read on SIGHUP")
      ->group("Security");
  cmd->add_flag("--metrics-need-key", o->server.metrics_need_key,
                "/metrics needs an API key too (probes /healthz, /readyz stay open)")
      ->group("Security");
  cmd->add_option("--model-name", o->server.model_name,
                  "The model's name in the KServe v2 routes (/v2/models/NAME/infer)")
      ->capture_default_str()
      ->group("Network");
  cmd->add_option("--max-batch", o->server.batcher.max_batch, "Texts per model call")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096))
      ->group("Batching");
  cmd->add_option("--max-wait-ms", o->max_wait_ms,
                  "Longest wait for a batch to fill after its first text arrived")
      ->capture_default_str()
      ->group("Batching");
  cmd->add_option("--max-queue", o->max_queue, "Texts waiting before 503 + Retry-After")
      ->capture_default_str()
      ->group("Batching");
  cmd->add_option("--workers", o->server.batcher.workers, "Threads calling the model")
      ->capture_default_str()
      ->check(CLI::Range(1, 64))
      ->group("Batching");
  o->engine.add(cmd, "Model");
  auto tokenization = std::make_shared<TokenizationFlags>();
  tokenization->add(cmd, "Model");
  cmd->add_option("--max-body-bytes", o->server.limits.max_body_bytes, "Request body limit (413)")
      ->capture_default_str()
      ->group("Limits");
  cmd->add_option("--max-texts", o->server.limits.max_texts, "Texts per request (413)")
      ->capture_default_str()
      ->group("Limits");
  cmd->add_option("--max-text-bytes", o->server.limits.max_text_bytes, "Bytes per text (413)")
      ->capture_default_str()
      ->group("Limits");
  cmd->add_option("--timeout-ms", o->timeout_ms, "Request timeout (504)")
      ->capture_default_str()
      ->group("Limits");
  cmd->callback([o, tokenization] {
    ServeOptions opts = *o;
    const engine::TokenizationSettings ts =
        engine::resolve_tokenization(opts.model, tokenization->given());
    opts.server.limits.defaults = ts.recipe;
    opts.server.limits.max_length = ts.recipe.max_length;
    log_info(cat("tokenization: ", ts.describe()));
    run(opts);
  });
});

}  // namespace
}  // namespace bertq::cli
