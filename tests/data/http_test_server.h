// A tiny HTTP/1.1 server for the download tests, bound to 127.0.0.1 on a free port, one
// connection at a time, "Connection: close" on every response. A handler maps a request to
// a Response; the server applies "Range: bytes=N-" to 200 responses (206 / 416) and can cut
// the connection after `cut_after` body bytes to simulate a dropped download. Written with
// plain sockets (Debian's cpp-httplib is a compiled library that needs pkg-config linking).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bertq::data::testing {

struct HttpRequest {
  std::string method, path;
  std::map<std::string, std::string> headers;  // lower-case names
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  size_t cut_after = std::string::npos;  // close after this many body bytes
  bool ranges = true;                    // honour Range on a 200
  size_t chunk = 0;                      // > 0: send the body in pieces of this size ...
  int chunk_delay_ms = 0;                // ... this far apart (a slow link)
};

class HttpTestServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  explicit HttpTestServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0)
      throw std::runtime_error("test server: cannot bind 127.0.0.1");
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~HttpTestServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

  std::string url(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<HttpRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }

 private:
  static std::string reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 206:
        return "Partial Content";
      case 302:
        return "Found";
      case 401:
        return "Unauthorized";
      case 404:
        return "Not Found";
      case 416:
        return "Range Not Satisfiable";
      default:
        return "Status";
    }
  }

  void loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      serve(c);
      ::close(c);
    }
  }

  void serve(int c) {
    std::string raw;
    char buf[4096];
    while (raw.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      raw.append(buf, static_cast<size_t>(n));
    }
    HttpRequest req;
    size_t eol = raw.find("\r\n");
    const std::string first = raw.substr(0, eol);
    const size_t s1 = first.find(' '), s2 = first.rfind(' ');
    req.method = first.substr(0, s1);
    req.path = first.substr(s1 + 1, s2 - s1 - 1);
    size_t pos = eol + 2;
    while (true) {
      eol = raw.find("\r\n", pos);
      if (eol == pos || eol == std::string::npos) break;
      const std::string line = raw.substr(pos, eol - pos);
      const size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      req.headers[name] = line.substr(v);
      pos = eol + 2;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      log_.push_back(req);
    }
    HttpResponse res = handler_(req);
    const auto range = req.headers.find("range");
    if (res.status == 200 && res.ranges && range != req.headers.end() &&
        range->second.compare(0, 6, "bytes=") == 0) {
      const size_t from = std::stoull(range->second.substr(6));
      const size_t total = res.body.size();
      if (from >= total) {
        res.status = 416;
        res.headers.push_back({"Content-Range", "bytes */" + std::to_string(total)});
        res.body.clear();
      } else {
        res.status = 206;
        res.headers.push_back({"Content-Range", "bytes " + std::to_string(from) + "-" +
                                                    std::to_string(total - 1) + "/" +
                                                    std::to_string(total)});
        res.body = res.body.substr(from);
      }
    }
    std::string head = "HTTP/1.1 " + std::to_string(res.status) + " " + reason(res.status) + "\r\n";
    for (const auto& [k, v] : res.headers) head += k + ": " + v + "\r\n";
    head += "Content-Length: " + std::to_string(res.body.size()) + "\r\nConnection: close\r\n\r\n";
    const std::string body = res.body.substr(0, std::min(res.cut_after, res.body.size()));
    if (res.chunk == 0) {
      send_all(c, head + body);
      return;
    }
    if (!send_all(c, head)) return;
    for (size_t off = 0; off < body.size() && !stop_; off += res.chunk) {
      if (!send_all(c, body.substr(off, res.chunk))) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(res.chunk_delay_ms));
    }
  }

  // False when the client went away.
  static bool send_all(int c, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      const ssize_t n = ::send(c, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  Handler handler_;
  int fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<HttpRequest> log_;
};

}  // namespace bertq::data::testing
