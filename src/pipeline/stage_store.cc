// Done-markers of pipeline stages (see stage_store.h).
#include "pipeline/stage_store.h"

#include <chrono>
#include <filesystem>

#include "core/error.h"
#include "core/file_util.h"

namespace fs = std::filesystem;

namespace bertq::pipeline {
namespace {

nlohmann::json file_entry(const fs::path& p) {
  const auto t = fs::last_write_time(p).time_since_epoch();
  return {{"path", p.string()},
          {"bytes", static_cast<uint64_t>(fs::file_size(p))},
          {"mtime_ns",
           static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t).count())}};
}

}  // namespace

nlohmann::json fingerprint(const std::string& path) {
  std::error_code ec;
  const auto st = fs::status(path, ec);
  check(!ec && fs::exists(st), ErrorCode::NOT_FOUND, path, ": stage output not found");
  nlohmann::json out = nlohmann::json::array();
  if (fs::is_directory(st)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(path))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) out.push_back(file_entry(f));
  } else {
    out.push_back(file_entry(path));
  }
  return out;
}

StageStore::StageStore(std::string run_dir) : run_dir_(std::move(run_dir)) {}

std::string StageStore::marker_path(const std::string& stage) const {
  return join_path(join_path(run_dir_, "stages"), stage + ".done");
}

std::optional<nlohmann::json> StageStore::completed(const std::string& stage,
                                                    const nlohmann::json& inputs,
                                                    std::string* why) const {
  auto say = [&](const std::string& reason) -> std::optional<nlohmann::json> {
    if (why != nullptr) *why = reason;
    return std::nullopt;
  };
  const std::string path = marker_path(stage);
  if (!file_exists(path)) return say("not run yet");
  nlohmann::json m = nlohmann::json::parse(read_file(path), nullptr, /*allow_exceptions=*/false);
  if (m.is_discarded() || !m.is_object() || !m.contains("inputs") || !m.contains("outputs"))
    return say(cat(path, ": unreadable marker"));
  if (m["inputs"] != inputs) return say("its options or inputs changed");
  for (const auto& f : m["outputs"]) {
    const std::string p = f.value("path", "");
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) return say(cat("output ", p, " is missing"));
    if (nlohmann::json(file_entry(p)) != f) return say(cat("output ", p, " changed"));
  }
  return m;
}

nlohmann::json StageStore::mark_done(const std::string& stage, const nlohmann::json& inputs,
                                     const std::vector<std::string>& outputs,
                                     const nlohmann::json& result, double wall_s) const {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& o : outputs)
    for (auto& f : fingerprint(o)) files.push_back(std::move(f));
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  nlohmann::json m = {
      {"stage", stage},
      {"inputs", inputs},
      {"outputs", files},
      {"result", result},
      {"wall_s", wall_s},
      {"finished_at", std::chrono::duration_cast<std::chrono::seconds>(now).count()}};
  make_dirs(join_path(run_dir_, "stages"));
  write_file_atomic(marker_path(stage), m.dump(2) + "\n");
  return m;
}

void StageStore::invalidate(const std::string& stage) const {
  std::error_code ec;
  fs::remove(marker_path(stage), ec);
}

}  // namespace bertq::pipeline
