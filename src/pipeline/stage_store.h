// Done-markers of a run's stages: RUN/stages/NAME.done is a JSON document
//   {"stage", "inputs", "outputs": [{"path", "bytes", "mtime_ns"}], "result", "wall_s",
//    "finished_at"}
// written atomically (core/file_util.h) only after every output of the stage is complete. A
// stage is complete when its marker exists, its recorded inputs equal the current ones (the
// stage's options plus the fingerprints of the upstream outputs it reads) and every output
// file still exists with the recorded size and modification time. Anything else reruns it.
//
//   StageStore store("runs/r1");
//   if (auto done = store.completed("train", inputs)) { use((*done)["result"]); }
//   else { run(); store.mark_done("train", inputs, {"runs/r1/model-fp32"}, result, wall_s); }
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace bertq::pipeline {

class StageStore {
 public:
  explicit StageStore(std::string run_dir);

  const std::string& run_dir() const { return run_dir_; }
  std::string marker_path(const std::string& stage) const;  // RUN/stages/NAME.done

  // The marker if the stage is complete for `inputs`, else nullopt with the reason in *why.
  std::optional<nlohmann::json> completed(const std::string& stage, const nlohmann::json& inputs,
                                          std::string* why = nullptr) const;

  // Records the stage as complete. `outputs` are files or folders (a folder's regular files
  // are recorded one by one); each must exist (NOT_FOUND otherwise: a stage that claims an
  // output it did not write is a bug).
  nlohmann::json mark_done(const std::string& stage, const nlohmann::json& inputs,
                           const std::vector<std::string>& outputs, const nlohmann::json& result,
                           double wall_s) const;

  // Removes the marker (the stage will rerun).
  void invalidate(const std::string& stage) const;

 private:
  std::string run_dir_;
};

// {"path", "bytes", "mtime_ns"} of every regular file under `path` (or of the file itself),
// sorted by path. NOT_FOUND when `path` does not exist.
nlohmann::json fingerprint(const std::string& path);

}  // namespace bertq::pipeline
