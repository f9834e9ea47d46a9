// Progress reporting for long work, on stderr: a redrawn bar with rate and ETA on a terminal,
// plain periodic lines (every `interval_s` seconds) otherwise, nothing when disabled
// (BERTQ_PROGRESS=0 or quiet). Thread-safe: add() may be called from worker threads.
//
//   bertq::Progress p("tokenize", total_bytes, "MB", 1e-6);
//   p.add(n);  ...  p.finish();
// Resumed work starts the count where it was (resume_at): the rate and ETA count only what this
// process did, not the jump to the resume point.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace bertq {

class Progress {
 public:
  // total == 0 means unknown (no ETA). `unit` and `scale` format the counts: scale 1e-6 with
  // unit "MB" shows bytes as megabytes.
  Progress(std::string label, uint64_t total, std::string unit = "", double scale = 1.0,
           bool enabled = true);
  ~Progress();

  void add(uint64_t n);
  void set(uint64_t done);
  // Work already done before this process started (e.g. the resumed step): shown in the count
  // and the bar, left out of the rate and the ETA.
  void resume_at(uint64_t done);
  // Text appended to the line (loss, lr, ...).
  void set_suffix(std::string suffix);
  void finish();

  uint64_t done() const { return done_.load(); }
  double elapsed_s() const;
  // Units (unscaled) per second done since construction, the resume_at() jump excluded.
  double rate() const;

 private:
  void maybe_draw(bool force);

  std::string label_, unit_, suffix_;
  uint64_t total_;
  double scale_;
  bool enabled_, tty_, finished_ = false;
  std::atomic<uint64_t> done_{0};
  uint64_t resumed_ = 0;  // resume_at(): not counted in the rate
  std::chrono::steady_clock::time_point start_, last_draw_;
  double interval_s_;
  std::mutex mu_;
};

// "1h02m", "3m05s", "12.3s"
std::string format_duration(double seconds);

}  // namespace bertq
