// libcurl easy-interface download loop. One attempt = one GET (following redirects) that
// appends to DEST.part from its current size (Range: bytes=N-). The header callback tracks
// the status of the *last* response in a redirect chain and keeps the hub's X-Linked-Size /
// X-Linked-Etag from any response (they sit on the 302 that points at the CDN). The write
// callback opens the .part file only for a 200/206 body, so error pages never land in it.
#include "data/download.h"

#include <curl/curl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>

#include "core/error.h"
#include "core/file_util.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "core/progress.h"
#include "data/sha256.h"
#include "data/text_clean.h"

namespace bertq::data {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    check(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK, ErrorCode::INTERNAL,
          "libcurl initialisation failed");
  });
}

int64_t file_size(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

std::string parent_dir(const std::string& path) {
  const size_t s = path.find_last_of('/');
  return s == std::string::npos ? "." : (s == 0 ? "/" : path.substr(0, s));
}

std::string base_name(const std::string& path) {
  return path.substr(path.find_last_of('/') + 1);
}

// The 64-hex digest inside an ETag value (quotes and a W/ prefix removed), or "".
std::string etag_sha256(std::string v) {
  if (v.compare(0, 2, "W/") == 0) v.erase(0, 2);
  v.erase(std::remove(v.begin(), v.end(), '"'), v.end());
  v = ascii_lower(trim(v));
  if (v.size() != 64) return "";
  for (char c : v)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return "";
  return v;
}

struct Transfer {
  std::string part;
  bool resuming = false;  // a Range request was sent
  long status = 0;
  std::map<std::string, std::string> headers;  // of the last response, lower-case names
  std::string linked_size, linked_etag;        // from any response in the chain
  std::string error_body;
  FILE* f = nullptr;
  bool file_failed = false;
  uint64_t written = 0;  // body bytes written this attempt
  uint64_t offset = 0;   // .part size when the body started
  std::unique_ptr<Progress> progress;
  bool show_progress = true;
  std::string label;
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.compare(0, 5, "HTTP/") == 0) {
    const size_t sp = line.find(' ');
    t->status = sp == std::string::npos ? 0 : std::atol(line.c_str() + sp + 1);
    t->headers.clear();
    return size * n;
  }
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    const std::string name = ascii_lower(line.substr(0, colon));
    const std::string value(trim(line.substr(colon + 1)));
    t->headers[name] = value;
    if (name == "x-linked-size") t->linked_size = value;
    if (name == "x-linked-etag") t->linked_etag = value;
  }
  return size * n;
}

uint64_t expected_total(const Transfer& t) {
  if (!t.linked_size.empty()) return std::strtoull(t.linked_size.c_str(), nullptr, 10);
  if (t.status == 206) {
    const auto it = t.headers.find("content-range");  // bytes a-b/total
    if (it != t.headers.end()) {
      const size_t slash = it->second.find('/');
      if (slash != std::string::npos && it->second[slash + 1] != '*')
        return std::strtoull(it->second.c_str() + slash + 1, nullptr, 10);
    }
    return 0;
  }
  const auto it = t.headers.find("content-length");
  return it == t.headers.end() ? 0 : std::strtoull(it->second.c_str(), nullptr, 10);
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  if (t->status != 200 && t->status != 206) {
    if (t->error_body.size() < 400) t->error_body.append(data, std::min<size_t>(len, 400));
    return len;
  }
  if (t->f == nullptr) {
    // 206 continues the .part file; 200 is the whole body again, so start over.
    const bool append = t->status == 206 && t->resuming;
    t->f = std::fopen(t->part.c_str(), append ? "ab" : "wb");
    if (t->f == nullptr) {
      t->file_failed = true;
      return 0;
    }
    t->offset = append ? static_cast<uint64_t>(std::max<int64_t>(file_size(t->part), 0)) : 0;
    t->progress =
        std::make_unique<Progress>(t->label, expected_total(*t), "MB", 1e-6, t->show_progress);
    t->progress->set(t->offset);
  }
  if (std::fwrite(data, 1, len, t->f) != len) {
    t->file_failed = true;
    return 0;
  }
  t->written += len;
  t->progress->add(len);
  return len;
}

int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return interrupt_requested() ? 1 : 0;  // non-zero aborts the transfer
}

std::string status_hint(long status) {
  if (status == 401 || status == 403)
    return " (the repository may be gated or private: set HF_TOKEN to an access token)";
  if (status == 404) return " (check the name, the revision and the endpoint)";
  return "";
}

// Verifies and renames a finished .part file; throws (after removing it) on a mismatch.
void finish(const std::string& url, const std::string& part, const std::string& dest,
            const DownloadOptions& o, const Transfer& t, DownloadResult& r) {
  const int64_t size = file_size(part);
  const uint64_t want_size = o.size >= 0 ? static_cast<uint64_t>(o.size) : expected_total(t);
  if (want_size > 0 && static_cast<uint64_t>(size) != want_size) {
    ::unlink(part.c_str());
    throw Error(ErrorCode::CORRUPT_FILE, cat(url, ": size mismatch: expected ", want_size,
                                             " bytes, got ", size, "; the download was removed"));
  }
  std::string want_sha = ascii_lower(o.sha256);
  if (want_sha.empty()) want_sha = etag_sha256(t.linked_etag);
  if (want_sha.empty()) {
    const auto it = t.headers.find("etag");
    if (it != t.headers.end()) want_sha = etag_sha256(it->second);
  }
  if (!want_sha.empty()) {
    r.sha256 = sha256_file(part);
    if (r.sha256 != want_sha) {
      ::unlink(part.c_str());
      throw Error(ErrorCode::CORRUPT_FILE, cat(url, ": sha256 mismatch: expected ", want_sha,
                                               ", got ", r.sha256, "; the download was removed"));
    }
    r.verified_sha256 = true;
  }
  check(::rename(part.c_str(), dest.c_str()) == 0, ErrorCode::IO, dest, ": cannot rename from ",
        part);
  r.bytes = static_cast<uint64_t>(size);
}

}  // namespace

DownloadResult download_file(const std::string& url, const std::string& dest,
                             const DownloadOptions& o) {
  DownloadResult r;
  r.path = dest;
  if (file_exists(dest)) {
    r.from_cache = true;
    r.bytes = static_cast<uint64_t>(file_size(dest));
    if (!o.sha256.empty()) {
      r.sha256 = sha256_file(dest);
      check(r.sha256 == ascii_lower(o.sha256), ErrorCode::CORRUPT_FILE, dest, ": sha256 ", r.sha256,
            " does not match the expected ", o.sha256, "; delete the file to download it again");
      r.verified_sha256 = true;
    }
    return r;
  }
  global_init();
  make_dirs(parent_dir(dest));
  const std::string part = dest + ".part";
  std::string last_error;
  for (int attempt = 1; attempt <= std::max(1, o.max_attempts); ++attempt) {
    throw_if_interrupted("download");
    r.attempts = attempt;
    Transfer t;
    t.part = part;
    t.show_progress = o.progress;
    t.label = o.label.empty() ? base_name(dest) : o.label;
    const int64_t have = file_size(part);
    if (attempt == 1) r.resumed_from = have > 0 ? static_cast<uint64_t>(have) : 0;
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    check(curl != nullptr, ErrorCode::INTERNAL, "curl_easy_init failed");
    CURL* c = curl.get();
    curl_slist* hdrs = nullptr;
    for (const auto& h : o.headers) hdrs = curl_slist_append(hdrs, h.c_str());
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> hdr_guard(hdrs, curl_slist_free_all);
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "bertq/" BERTQ_VERSION);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o.connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o.stall_timeout_s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (have > 0) {
      t.resuming = true;
      curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(have));
    }
    const CURLcode rc = curl_easy_perform(c);
    if (t.f != nullptr) std::fclose(t.f);
    if (t.progress) t.progress->finish();
    if (t.file_failed) throw Error(ErrorCode::IO, cat(part, ": cannot write the download"));
    if (rc == CURLE_ABORTED_BY_CALLBACK && interrupt_requested())
      throw Error(ErrorCode::INTERRUPTED, cat(url, ": download interrupted; ", part,
                                              " is kept and the next run resumes it"));
    const bool ok_status = t.status == 200 || t.status == 206;
    if (t.status == 416 && t.resuming) {
      // The server cannot serve our range: the .part is stale or already whole. Start over.
      ::unlink(part.c_str());
      last_error = cat(url, ": HTTP 416 for a resumed range; restarting");
      continue;
    }
    if (rc == CURLE_OK && !ok_status && t.status != 0) {
      const std::string body(trim(t.error_body.substr(0, 200)));
      throw Error(t.status == 404                        ? ErrorCode::NOT_FOUND
                  : (t.status == 401 || t.status == 403) ? ErrorCode::INVALID_ARGUMENT
                                                         : ErrorCode::IO,
                  cat(url, ": HTTP ", t.status, status_hint(t.status),
                      body.empty() ? "" : cat(": ", body)));
    }
    if (rc == CURLE_RANGE_ERROR ||
        (rc == CURLE_OK && t.resuming && t.status == 200 && t.written == 0)) {
      ::unlink(part.c_str());
      last_error = cat(url, ": the server ignored the resume request; restarting");
      continue;
    }
    if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY ||
        rc == CURLE_COULDNT_CONNECT) {
      throw Error(ErrorCode::IO,
                  cat(url, ": ", errbuf[0] ? errbuf : curl_easy_strerror(rc),
                      " (offline? fetch the file on another machine and pass its local path)"));
    }
    if (rc != CURLE_OK) {
      last_error = cat(url, ": ", errbuf[0] ? errbuf : curl_easy_strerror(rc));
      log_warn(cat(last_error, " (attempt ", attempt, " of ", o.max_attempts,
                   file_size(part) > 0 ? cat(", ", file_size(part), " bytes kept") : "", ")"));
      continue;
    }
    if (t.f == nullptr) {  // an empty 200 body
      write_file_atomic(part, "");
    }
    const uint64_t total = o.size >= 0 ? static_cast<uint64_t>(o.size) : expected_total(t);
    const int64_t now = file_size(part);
    if (total > 0 && now >= 0 && static_cast<uint64_t>(now) < total) {
      last_error = cat(url, ": connection closed after ", now, " of ", total, " bytes");
      continue;
    }
    finish(url, part, dest, o, t, r);
    return r;
  }
  throw Error(ErrorCode::IO,
              cat(last_error, "; gave up after ", o.max_attempts, " attempts",
                  file_exists(part) ? cat(" (", part, " is kept; run again to resume)") : ""));
}

}  // namespace bertq::data
