// Models from the Hugging Face hub and the IMDB tarball from Stanford, fetched once into the
// cache (cache_dir.h) with download_file (resumable, verified, atomic).
//
// Hub layout: {endpoint}/{repo}/resolve/{revision}/{file}; endpoint = $HF_ENDPOINT or
// https://huggingface.co; $HF_TOKEN is sent as "Authorization: Bearer ...". LFS files
// (model.safetensors) are checked against the hub's X-Linked-Etag (their sha256).
//
//   std::string dir = bertq::data::download_model("bert-base-uncased", {});
//   std::string dir2 = bertq::data::resolve_model("bert-base-uncased");  // local or cached
//   std::string tgz = bertq::data::download_imdb({});
#pragma once

#include <string>
#include <vector>

namespace bertq::data {

struct HubOptions {
  std::string endpoint;  // "" = $HF_ENDPOINT or https://huggingface.co
  std::string token;     // "" = $HF_TOKEN (none when unset)
  std::string revision = "main";
  std::string to;  // target folder; "" = the cache folder for repo@revision
  bool progress = true;
};

// The files `download model` fetches; the optional ones may be absent from a repository.
struct HubFile {
  const char* name;
  bool required;
};
const std::vector<HubFile>& model_files();

std::string hub_endpoint(const HubOptions& o);
std::string hub_file_url(const std::string& endpoint, const std::string& repo,
                         const std::string& revision, const std::string& file);
// $BERTQ_HOME/models/<repo, '/' -> '--'>/<revision>
std::string model_cache_dir(const std::string& repo, const std::string& revision = "main");

// Fetches model_files() of `repo` into o.to (or the cache) and returns the folder. Files
// already there are kept. A missing optional file is logged; a missing required one throws.
// The folder gets bertq_download.json (repo, revision, endpoint, sizes, verified sha256s,
// optional files the repository lacks), so a second call sends no request.
std::string download_model(const std::string& repo, const HubOptions& o = {});

// A local model folder or a repo name already downloaded to the cache -> the folder holding
// config.json: the folder itself, or the Transformer module's sub-folder of a
// sentence-transformers folder (transformer_folder). A path (/..., ./..., ../...) that is no
// folder is Error(NOT_FOUND) naming it; a repo name not in the cache is Error(NOT_FOUND) saying
// to run `bertq download model NAME` or pass a folder.
std::string resolve_model(const std::string& name_or_dir, const std::string& revision = "main");
// DIR itself when it has config.json, else the path of the Transformer module named in
// DIR/modules.json (sentence-transformers); NOT_FOUND / CORRUPT_FILE naming the file otherwise.
std::string transformer_folder(const std::string& dir);

struct ImdbDownloadOptions {
  std::string url;     // "" = $BERTQ_IMDB_URL or kImdbUrl
  std::string sha256;  // "" = kImdbSha256 when the URL is the default one
  std::string to;      // target folder; "" = $BERTQ_HOME/datasets
  bool progress = true;
};
inline constexpr const char* kImdbUrl =
    "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz";
// The widely quoted digest of aclImdb_v1.tar.gz (84,125,825 bytes); not verifiable offline here.
inline constexpr const char* kImdbSha256 =
    "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe";

// Downloads aclImdb_v1.tar.gz (verified) and returns its path; kept once there.
std::string download_imdb(const ImdbDownloadOptions& o = {});

}  // namespace bertq::data
