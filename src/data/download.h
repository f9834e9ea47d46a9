// Resumable, verified, atomic HTTP(S) downloads with libcurl.
//
// The body goes to DEST.part; an interrupted transfer leaves the .part file and the next
// attempt (or the next call) resumes it with an HTTP Range request. When the transfer ends,
// the size (expected, X-Linked-Size or Content-Length / Content-Range) and the sha256
// (expected, or the hub's X-Linked-Etag / a 64-hex ETag) are checked; on a mismatch the .part
// file is deleted and Error(CORRUPT_FILE) is thrown. Only a verified file is renamed to DEST,
// so DEST is either absent or complete. HTTP errors name the URL and status (404 ->
// NOT_FOUND, 401/403 -> INVALID_ARGUMENT with a hint about HF_TOKEN).
//
//   DownloadOptions o;  o.sha256 = "c40f74...";
//   DownloadResult r = bertq::data::download_file(url, "/cache/aclImdb_v1.tar.gz", o);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bertq::data {

struct DownloadOptions {
  std::vector<std::string> headers;  // extra request headers, "Name: value"
  std::string sha256;                // expected digest (lowercase hex); "" = from the server
  int64_t size = -1;                 // expected size in bytes; -1 = from the server
  int max_attempts = 4;              // attempts in this call; each resumes the .part file
  bool progress = true;              // a progress bar on stderr
  std::string label;                 // progress label ("" = the file name)
  long connect_timeout_s = 30;
  long stall_timeout_s = 60;  // abort (and retry) when < 1 byte/s for this long
};

struct DownloadResult {
  std::string path;
  uint64_t bytes = 0;
  std::string sha256;  // digest of the file (computed when a checksum was checked)
  bool verified_sha256 = false;
  bool from_cache = false;  // DEST existed already, nothing was fetched
  int attempts = 0;
  uint64_t resumed_from = 0;  // bytes of an earlier .part reused by the first attempt
};

// Downloads `url` to `dest` (see above). When dest exists, nothing is fetched: its sha256 is
// checked if options.sha256 is set (Error(CORRUPT_FILE) on mismatch, naming the file).
DownloadResult download_file(const std::string& url, const std::string& dest,
                             const DownloadOptions& options = {});

}  // namespace bertq::data
