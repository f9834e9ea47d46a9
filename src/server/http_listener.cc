// HttpListener (see http_listener.h): Boost.Beast sessions on Asio strands, one per connection;
// complete requests go to a thread pool of handler threads and their answers come back to the
// connection's strand to be written.
#include "server/http_listener.h"

#include <openssl/ssl.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <list>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "core/error.h"
#include "core/file_util.h"
#include "core/log.h"

namespace bertq::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& h : headers)
    if (h.first == name) return h.second;
  return {};
}

void ListenerOptions::validate() const {
  auto need = [](bool ok, const char* what) { check(ok, ErrorCode::INVALID_ARGUMENT, what); };
  need(io_threads >= 1, "--io-threads: must be at least 1");
  need(handler_threads >= 1, "--http-threads: must be at least 1");
  need(header_timeout.count() > 0, "--header-timeout-ms: must be positive");
  need(body_timeout.count() > 0, "--body-timeout-ms: must be positive");
  need(keep_alive_max_requests >= 1, "--keep-alive-max-requests: must be at least 1");
  need(max_connections >= 1, "--max-connections: must be at least 1");
  need(max_connections_per_client >= 1, "--max-connections-per-client: must be at least 1");
  need(max_header_bytes >= 256, "max header bytes: must be at least 256");
  need(tls.cert_file.empty() == tls.key_file.empty(),
       "--tls-cert and --tls-key: give both or neither");
}

namespace {

// A loaded TLS server context: TLS 1.2 or later, the certificate chain and key from PEM files.
net::ssl::context make_tls_context(const TlsOptions& tls) {
  net::ssl::context ctx(net::ssl::context::tls_server);
  ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                  net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                  net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  check(SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION) == 1,
        ErrorCode::INTERNAL, "OpenSSL: cannot require TLS 1.2");
  auto load = [](const std::string& file, const char* flag, auto&& use) {
    check(file_exists(file), ErrorCode::NOT_FOUND, flag, " ", file, ": no such file");
    boost::system::error_code ec;
    use(ec);
    check(!ec, ErrorCode::INVALID_ARGUMENT, flag, " ", file, ": not a usable PEM file (",
          ec.message(), ")");
  };
  load(tls.cert_file, "--tls-cert",
       [&](boost::system::error_code& ec) { ctx.use_certificate_chain_file(tls.cert_file, ec); });
  load(tls.key_file, "--tls-key", [&](boost::system::error_code& ec) {
    ctx.use_private_key_file(tls.key_file, net::ssl::context::pem, ec);
  });
  check(SSL_CTX_check_private_key(ctx.native_handle()) == 1, ErrorCode::INVALID_ARGUMENT,
        "--tls-key ", tls.key_file, ": does not match the certificate of --tls-cert ",
        tls.cert_file);
  return ctx;
}

// The wire form of an answer, for the ones written outside a session (connection refusals).
std::string to_wire(const HttpResponse& r) {
  http::response<http::string_body> res{http::int_to_status(unsigned(r.status)), 11};
  res.set(http::field::server, "bertq");
  res.set(http::field::content_type, r.content_type);
  for (const auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(false);
  res.body() = r.body;
  res.prepare_payload();
  std::ostringstream os;
  os << res;
  return os.str();
}

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close_if_idle() = 0;  // stop(): a connection waiting for a request closes
};

}  // namespace

struct HttpListener::Impl {
  // Declared before ioc, so they outlive it: the sessions its pending handlers still hold are
  // destroyed with it, and release their counts and their TLS context then.
  ListenerOptions options;
  HttpHandler& handler;
  std::atomic<bool> stopping{false};
  mutable std::mutex mu;  // the counts and the session list
  size_t open = 0;
  std::unordered_map<std::string, size_t> per_client;
  std::list<std::weak_ptr<SessionBase>> sessions;
  std::optional<net::ssl::context> tls;
  net::thread_pool handlers;

  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::steady_timer accept_retry{ioc};

  Impl(ListenerOptions o, HttpHandler& h)
      : options(std::move(o)), handler(h), handlers(size_t(options.handler_threads)) {
    if (options.tls.enabled()) tls.emplace(make_tls_context(options.tls));
  }

  void do_accept();
  void on_accept(tcp::socket socket);
  void refuse(tcp::socket socket, const std::string& client);
  void register_session(std::list<std::weak_ptr<SessionBase>>::iterator it,
                        const std::shared_ptr<SessionBase>& s) {
    std::lock_guard<std::mutex> lock(mu);
    *it = s;
  }
  void release(const std::string& client, std::list<std::weak_ptr<SessionBase>>::iterator it) {
    std::lock_guard<std::mutex> lock(mu);
    --open;
    if (--per_client[client] == 0) per_client.erase(client);
    sessions.erase(it);
  }
};

namespace {

using Clock = std::chrono::steady_clock;

// One connection: read a request (headers, then body) under deadlines, hand it to a handler
// thread, write the answer, and again while keep-alive holds.
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  template <class... Args>
  Session(HttpListener::Impl& l, std::string client, Args&&... args)
      : l_(l), stream_(std::forward<Args>(args)...), client_(std::move(client)) {}
  ~Session() override { l_.release(client_, registration_); }

  void start(std::list<std::weak_ptr<SessionBase>>::iterator registration) {
    registration_ = registration;
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

  void close_if_idle() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->state_ == State::HANDSHAKE ||
          (self->state_ == State::HEADER && self->nothing_received()))
        self->lowest().close();  // the pending read ends with an error -> close()
    });
  }

 private:
  enum class State { HANDSHAKE, HEADER, BODY, HANDLING, WRITING, CLOSED };

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void begin() {
    if constexpr (kTls) {
      state_ = State::HANDSHAKE;
      lowest().expires_after(l_.options.header_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close();
                                self->read_request();
                              });
    } else {
      read_request();
    }
  }

  void read_request() {
    if (l_.stopping.load()) return close();
    parser_.emplace();
    parser_->header_limit(std::uint32_t(l_.options.max_header_bytes));
    parser_->body_limit(l_.options.max_body_bytes);
    path_.clear();
    state_ = State::HEADER;
    lowest().expires_after(l_.options.header_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  // A failed read: closed quietly when nothing of a request came, else answered when the
  // client can still read an answer.
  void on_read_error(beast::error_code ec, const char* phase) {
    if (path_.empty()) path_ = target_path();  // the request line, when it was read
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted ||
        ec == net::ssl::error::stream_truncated || (state_ == State::HEADER && nothing_received()))
      return close();
    if (ec == beast::error::timeout) {  // the stream closed itself: counted, not answered
      const auto limit =
          state_ == State::HEADER ? l_.options.header_timeout : l_.options.body_timeout;
      (void)l_.handler.refuse(
          408, "request_timeout",
          cat("the request ", phase, " did not arrive within ", limit.count(), " ms"), path_);
      return close();
    }
    if (ec == http::error::header_limit)
      return answer_error(431, "headers_too_large",
                          cat("request headers exceed ", l_.options.max_header_bytes, " bytes"));
    if (ec == http::error::body_limit) return answer_error(413, "body_too_large", too_large());
    answer_error(400, "bad_request", cat("malformed HTTP request ", phase, ": ", ec.message()));
  }

  std::string too_large() const {
    return cat("request body exceeds the limit of ", l_.options.max_body_bytes,
               " bytes per request body");
  }

  // No byte of the next request yet (the parser keeps a partial header in buffer_ unconsumed;
  // a complete one it has consumed).
  bool nothing_received() const { return buffer_.size() == 0 && !parser_->got_some(); }

  std::string target_path() const {
    const auto& req = parser_->get();
    const std::string_view target(req.target().data(), req.target().size());
    return std::string(target.substr(0, target.find('?')));
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec, "headers");
    const auto& req = parser_->get();
    path_ = target_path();
    if (const auto n = parser_->content_length(); n && *n > l_.options.max_body_bytes)
      return answer_error(413, "body_too_large", too_large());
    if (parser_->is_done()) return dispatch();
    state_ = State::BODY;
    lowest().expires_after(l_.options.body_timeout);
    auto read_body = [self = this->shared_from_this()] {
      http::async_read(self->stream_, self->buffer_, *self->parser_,
                       [self](beast::error_code ec, size_t) {
                         if (ec) return self->on_read_error(ec, "body");
                         self->dispatch();
                       });
    };
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(kContinue),
                       [self = this->shared_from_this(), read_body](beast::error_code ec, size_t) {
                         if (ec) return self->close();
                         read_body();
                       });
      return;
    }
    read_body();
  }

  void dispatch() {
    state_ = State::HANDLING;
    lowest().expires_never();
    auto& msg = parser_->get();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    const std::string_view target(msg.target().data(), msg.target().size());
    const size_t q = target.find('?');
    req.path = path_;
    if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    req.body = std::move(msg.body());
    req.client = client_;
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    // Keeps run() going while the request is away from the I/O threads.
    auto guard = net::make_work_guard(l_.ioc);
    net::post(l_.handlers, [self = this->shared_from_this(), req = std::move(req),
                            guard = std::move(guard)]() mutable {
      HttpResponse res;
      try {
        res = self->l_.handler.handle(req);
      } catch (const std::exception& e) {
        res = self->l_.handler.refuse(500, "internal", e.what(), req.path);
      }
      net::post(self->stream_.get_executor(),
                [self, res = std::move(res)]() mutable { self->write(std::move(res), false); });
    });
  }

  void answer_error(int status, const std::string& code, const std::string& message) {
    version_ = 11;
    write(l_.handler.refuse(status, code, message, path_), true);
  }

  void write(HttpResponse r, bool close_after) {
    auto res = std::make_shared<http::response<http::string_body>>(
        http::int_to_status(unsigned(r.status)), version_);
    res->set(http::field::server, "bertq");
    res->set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res->set(k, v);
    res->body() = std::move(r.body);
    const bool keep = keep_alive_ && !close_after && !l_.stopping.load() &&
                      ++served_ < l_.options.keep_alive_max_requests;
    res->keep_alive(keep);
    res->prepare_payload();
    state_ = State::WRITING;
    lowest().expires_after(l_.options.body_timeout);  // a client that does not read its answer
    http::async_write(stream_, *res,
                      [self = this->shared_from_this(), res, keep](beast::error_code ec, size_t) {
                        if (ec || !keep) return self->close();
                        self->read_request();
                      });
  }

  // Ends the connection: TLS close_notify, or a TCP half-close after which what the client
  // still sends is read and dropped until it closes (closing with unread data would reset the
  // connection, and a client could lose the answer just written), 1 s at most.
  void close() {
    if (state_ == State::CLOSED) return;
    state_ = State::CLOSED;
    if (!lowest().socket().is_open()) return;
    lowest().expires_after(std::chrono::seconds(1));
    if constexpr (kTls) {
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->lowest().socket().close(ignored);
      });
    } else {
      beast::error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      drain();
    }
  }

  void drain() {
    lowest().async_read_some(net::buffer(scratch_),
                             [self = this->shared_from_this()](beast::error_code ec, size_t) {
                               if (!ec) return self->drain();
                               beast::error_code ignored;
                               self->lowest().socket().close(ignored);
                             });
  }

  HttpListener::Impl& l_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string client_, path_;
  std::list<std::weak_ptr<SessionBase>>::iterator registration_;
  State state_ = State::HEADER;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  int served_ = 0;
  char scratch_[4096];
};

// A connection over a cap: the 503 is written, the client's request read and dropped (closing
// with unread data would reset the connection before the client reads the 503), 1 s at most.
class Refusal : public std::enable_shared_from_this<Refusal> {
 public:
  Refusal(tcp::socket socket, std::string wire)
      : stream_(std::move(socket)), wire_(std::move(wire)) {}
  void start() {
    stream_.expires_after(std::chrono::seconds(1));
    net::async_write(stream_, net::buffer(wire_),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return;
                       self->stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
                       self->drain();
                     });
  }

 private:
  void drain() {
    stream_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->drain();
                            });
  }
  beast::tcp_stream stream_;
  std::string wire_;
  char scratch_[4096];
};

}  // namespace

void HttpListener::Impl::do_accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open() || ec == net::error::operation_aborted) return;
    if (ec) {  // e.g. out of file descriptors: try again shortly rather than spin
      log_warn(cat("accept: ", ec.message()));
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](beast::error_code e) {
        if (!e && !stopping.load()) do_accept();
      });
      return;
    }
    on_accept(std::move(socket));
    do_accept();
  });
}

void HttpListener::Impl::on_accept(tcp::socket socket) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // gone already
  const std::string client = peer.address().to_string();
  std::list<std::weak_ptr<SessionBase>>::iterator it;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (open >= options.max_connections ||
        per_client[client] >= options.max_connections_per_client) {
      if (per_client[client] == 0) per_client.erase(client);
      refuse(std::move(socket), client);
      return;
    }
    ++open;
    ++per_client[client];
    it = sessions.emplace(sessions.end());
  }
  std::shared_ptr<SessionBase> s;
  if (tls) {
    auto t = std::make_shared<Session<TlsStream>>(*this, client, std::move(socket), *tls);
    s = t;
    register_session(it, s);
    t->start(it);
  } else {
    auto p = std::make_shared<Session<beast::tcp_stream>>(*this, client, std::move(socket));
    s = p;
    register_session(it, s);
    p->start(it);
  }
  if (stopping.load()) s->close_if_idle();
}

// Called with mu held.
void HttpListener::Impl::refuse(tcp::socket socket, const std::string& client) {
  const bool global = open >= options.max_connections;
  const std::string message =
      global ? cat("too many open connections (limit ", options.max_connections, ")")
             : cat("too many open connections from ", client, " (limit ",
                   options.max_connections_per_client, ")");
  HttpResponse r = handler.refuse(503, "too_many_connections", message, "");
  r.headers.emplace_back("Retry-After", "1");
  if (tls) {  // no TLS session to answer in: closing is the answer
    beast::error_code ec;
    socket.close(ec);
    return;
  }
  std::make_shared<Refusal>(std::move(socket), to_wire(r))->start();
}

HttpListener::HttpListener(ListenerOptions options, HttpHandler& handler) {
  options.validate();
  impl_ = std::make_unique<Impl>(std::move(options), handler);
}

HttpListener::~HttpListener() {
  stop();
  impl_->handlers.join();
}

int HttpListener::bind(const std::string& host, int port) {
  check(port >= 0 && port <= 65535, ErrorCode::INVALID_ARGUMENT, "port ", port,
        ": must be in [0, 65535]");
  beast::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  check(!ec && !results.empty(), ErrorCode::IO, "cannot listen on ", host, ":", port, ": ",
        ec ? ec.message() : "no address");
  const tcp::endpoint ep = results.begin()->endpoint();
  tcp::acceptor& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  check(!ec, ErrorCode::IO, "cannot listen on ", host, ":", port, ": ", ec.message(),
        " (address in use, or not a local address?)");
  return a.local_endpoint().port();
}

void HttpListener::run() {
  check(impl_->acceptor.is_open(), ErrorCode::INTERNAL, "HttpListener::run called before bind()");
  if (!impl_->stopping.load()) impl_->do_accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.io_threads; ++i)
    threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void HttpListener::stop() {
  if (impl_->stopping.exchange(true)) return;
  net::post(impl_->ioc, [l = impl_.get()] {
    beast::error_code ec;
    l->acceptor.close(ec);
    l->accept_retry.cancel();
    // Taken under the lock, used and released after it: the last reference to a session may be
    // one of these, and its destructor takes the lock (release()).
    std::vector<std::shared_ptr<SessionBase>> open;
    {
      std::lock_guard<std::mutex> lock(l->mu);
      for (auto& w : l->sessions)
        if (auto s = w.lock()) open.push_back(std::move(s));
    }
    for (auto& s : open) s->close_if_idle();
  });
}

bool HttpListener::stopping() const {
  return impl_->stopping.load();
}

size_t HttpListener::open_connections() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->open;
}

}  // namespace bertq::server
