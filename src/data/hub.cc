// Hub and IMDB downloads over download_file.
#include "data/hub.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/file_util.h"
#include "core/log.h"
#include "data/cache_dir.h"
#include "data/download.h"

namespace bertq::data {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

void check_repo(const std::string& repo) {
  check(!repo.empty() && repo.find("..") == std::string::npos && repo.front() != '/' &&
            repo.find(' ') == std::string::npos,
        ErrorCode::INVALID_ARGUMENT, "bad model name \"", repo, "\" (expected org/name or name)");
}

constexpr const char* kManifest = "bertq_download.json";

std::string flatten(std::string s) {
  for (size_t p = 0; (p = s.find('/', p)) != std::string::npos; p += 2) s.replace(p, 1, "--");
  return s;
}

}  // namespace

const std::vector<HubFile>& model_files() {
  static const std::vector<HubFile> files = {{"config.json", true},
                                             {"vocab.txt", true},
                                             {"tokenizer.json", false},
                                             {"tokenizer_config.json", false},
                                             {"model.safetensors", true}};
  return files;
}

std::string hub_endpoint(const HubOptions& o) {
  std::string e = o.endpoint.empty() ? env_or("HF_ENDPOINT", "https://huggingface.co") : o.endpoint;
  while (!e.empty() && e.back() == '/') e.pop_back();
  return e;
}

std::string hub_file_url(const std::string& endpoint, const std::string& repo,
                         const std::string& revision, const std::string& file) {
  return cat(endpoint, "/", repo, "/resolve/", revision, "/", file);
}

std::string model_cache_dir(const std::string& repo, const std::string& revision) {
  return join_path(cache_dir("models"), flatten(repo) + "/" + flatten(revision));
}

std::string download_model(const std::string& repo, const HubOptions& o) {
  check_repo(repo);
  check(!o.revision.empty(), ErrorCode::INVALID_ARGUMENT, "empty revision");
  const std::string dir = o.to.empty() ? model_cache_dir(repo, o.revision) : o.to;
  make_dirs(dir);
  const std::string endpoint = hub_endpoint(o);
  const std::string token = o.token.empty() ? env_or("HF_TOKEN", "") : o.token;
  DownloadOptions d;
  d.progress = o.progress;
  if (!token.empty()) d.headers.push_back("Authorization: Bearer " + token);
  // The manifest from an earlier run lists optional files the repository does not have, so
  // a complete folder sends no request at all.
  const std::string manifest_path = join_path(dir, kManifest);
  nlohmann::json manifest = {{"repo", repo},
                             {"revision", o.revision},
                             {"endpoint", endpoint},
                             {"files", nlohmann::json::object()},
                             {"missing", nlohmann::json::array()}};
  std::vector<std::string> known_missing;
  if (file_exists(manifest_path)) {
    try {
      const auto old = nlohmann::json::parse(read_file(manifest_path));
      for (const auto& m : old.at("missing")) known_missing.push_back(m.get<std::string>());
    } catch (const nlohmann::json::exception&) {
      known_missing.clear();  // unreadable manifest: ask the hub again
    }
  }
  for (const HubFile& f : model_files()) {
    if (!f.required &&
        std::find(known_missing.begin(), known_missing.end(), f.name) != known_missing.end()) {
      manifest["missing"].push_back(f.name);
      continue;
    }
    const std::string url = hub_file_url(endpoint, repo, o.revision, f.name);
    d.label = f.name;
    try {
      const DownloadResult r = download_file(url, join_path(dir, f.name), d);
      log_info(cat(f.name, r.from_cache ? ": already there" : ": downloaded", " (", r.bytes,
                   " bytes", r.verified_sha256 ? ", sha256 verified" : "", ")"));
      manifest["files"][f.name] = {{"bytes", r.bytes}};
      if (r.verified_sha256) manifest["files"][f.name]["sha256"] = r.sha256;
    } catch (const Error& e) {
      if (e.code() == ErrorCode::NOT_FOUND && !f.required) {
        log_info(cat(f.name, ": not in ", repo, "@", o.revision, " (optional, skipped)"));
        manifest["missing"].push_back(f.name);
        continue;
      }
      rethrow_with_context(e, cat("download model ", repo, "@", o.revision));
    }
  }
  write_file_atomic(manifest_path, manifest.dump(2) + "\n");
  return dir;
}

// The folder holding config.json inside a model folder: the folder itself, or for a
// sentence-transformers folder without a root config.json the path of its Transformer module
// (modules.json: [{"path": "0_Transformer", "type": "sentence_transformers.models.Transformer"}]).
std::string transformer_folder(const std::string& dir) {
  if (file_exists(join_path(dir, "config.json"))) return dir;
  const std::string modules = join_path(dir, "modules.json");
  check(file_exists(modules), ErrorCode::NOT_FOUND, dir,
        ": not a model folder (no config.json, no sentence-transformers modules.json)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(modules));
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::CORRUPT_FILE, cat(modules, ": not JSON: ", e.what()));
  }
  check(j.is_array(), ErrorCode::CORRUPT_FILE, modules, ": expected a list of modules");
  for (const auto& m : j) {
    const std::string type = m.is_object() ? m.value("type", "") : "";
    const std::string path = m.is_object() ? m.value("path", "") : "";
    if (!type.ends_with("models.Transformer")) continue;
    check(path.find("..") == std::string::npos && (path.empty() || path.front() != '/'),
          ErrorCode::CORRUPT_FILE, modules, ": Transformer path \"", path, "\" leaves the folder");
    const std::string sub = path.empty() ? dir : join_path(dir, path);
    check(file_exists(join_path(sub, "config.json")), ErrorCode::NOT_FOUND, modules,
          ": the Transformer module's folder ", sub, " has no config.json");
    return sub;
  }
  throw Error(
      ErrorCode::NOT_FOUND,
      cat(modules, ": no sentence_transformers.models.Transformer module (no BERT inside)"));
}

std::string resolve_model(const std::string& name_or_dir, const std::string& revision) {
  if (dir_exists(name_or_dir)) return transformer_folder(name_or_dir);
  const bool path = name_or_dir.starts_with('/') || name_or_dir.starts_with("./") ||
                    name_or_dir.starts_with("../");
  check(!path, ErrorCode::NOT_FOUND, "model folder ", name_or_dir, ": no such folder");
  check_repo(name_or_dir);
  const std::string cached = model_cache_dir(name_or_dir, revision);
  bool complete = dir_exists(cached);
  for (const HubFile& f : model_files())
    if (f.required && !file_exists(join_path(cached, f.name))) complete = false;
  check(complete, ErrorCode::NOT_FOUND, "model ", name_or_dir,
        " is neither a local folder nor downloaded (", cached, "); run `bertq download model ",
        name_or_dir, "` or pass a folder with config.json, vocab.txt and model.safetensors");
  return cached;
}

std::string download_imdb(const ImdbDownloadOptions& o) {
  const std::string url = o.url.empty() ? env_or("BERTQ_IMDB_URL", kImdbUrl) : o.url;
  std::string sha = o.sha256;
  if (sha.empty() && url == kImdbUrl) sha = kImdbSha256;
  const std::string dir = o.to.empty() ? cache_dir("datasets") : o.to;
  DownloadOptions d;
  d.sha256 = sha;
  d.progress = o.progress;
  d.label = "aclImdb_v1.tar.gz";
  const DownloadResult r = download_file(url, join_path(dir, "aclImdb_v1.tar.gz"), d);
  log_info(cat(r.path, r.from_cache ? ": already there" : ": downloaded", " (", r.bytes, " bytes",
               r.verified_sha256 ? ", sha256 verified" : ", sha256 not checked", ")"));
  return r.path;
}

}  // namespace bertq::data
