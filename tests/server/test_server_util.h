// Runs a Server in-process on a free loopback port for the HTTP tests, and a client helper.
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "server/server.h"

namespace bertq::server::testing {

class RunningServer {
 public:
  RunningServer(Backend& backend, ServerOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(backend, options);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->serve(); });
  }
  ~RunningServer() { stop(); }
  void stop() {
    if (!server_) return;
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  // Polls until ready (or a few seconds pass).
  bool wait_ready() const {
    for (int i = 0; i < 500 && !server_->ready(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return server_->ready();
  }
  int port() const { return port_; }
  Server& server() { return *server_; }
  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_read_timeout(30, 0);
    c->set_connection_timeout(5, 0);
    return c;
  }

 private:
  std::unique_ptr<Server> server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace bertq::server::testing
