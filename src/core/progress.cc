#include "core/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/error.h"

namespace bertq {

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s / 60), static_cast<int>(s) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s / 3600),
                  static_cast<int>(s / 60) % 60);
  }
  return buf;
}

Progress::Progress(std::string label, uint64_t total, std::string unit, double scale, bool enabled)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), scale_(scale) {
  const char* env = std::getenv("BERTQ_PROGRESS");
  enabled_ = enabled && !(env != nullptr && std::strcmp(env, "0") == 0);
  tty_ = ::isatty(2) != 0;
  interval_s_ = tty_ ? 0.2 : 10.0;
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::~Progress() {
  if (!finished_ && tty_ && enabled_) std::fputc('\n', stderr);
}

double Progress::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::add(uint64_t n) {
  done_.fetch_add(n);
  maybe_draw(false);
}

void Progress::set(uint64_t done) {
  done_.store(done);
  maybe_draw(false);
}

void Progress::resume_at(uint64_t done) {
  resumed_ = done;
  done_.store(done);
}

double Progress::rate() const {
  const double el = elapsed_s();
  const uint64_t done = done_.load();
  return el > 0 && done > resumed_ ? static_cast<double>(done - resumed_) / el : 0;
}

void Progress::set_suffix(std::string suffix) {
  std::lock_guard<std::mutex> lock(mu_);
  suffix_ = std::move(suffix);
}

void Progress::finish() {
  if (finished_) return;
  maybe_draw(true);
  finished_ = true;
  if (enabled_ && tty_) std::fputc('\n', stderr);
}

void Progress::maybe_draw(bool force) {
  if (!enabled_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  if (!force && std::chrono::duration<double>(now - last_draw_).count() < interval_s_) return;
  last_draw_ = now;
  const double el = std::chrono::duration<double>(now - start_).count();
  const double done = static_cast<double>(done_.load());
  const double rate = this->rate();
  char line[512];
  int len;
  if (total_ > 0) {
    const double frac = std::min(1.0, done / static_cast<double>(total_));
    const int width = 24;
    char bar[width + 1];
    const int fill = static_cast<int>(frac * width);
    for (int i = 0; i < width; ++i) bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    const double eta = rate > 0 ? (static_cast<double>(total_) - done) / rate : NAN;
    len = std::snprintf(line, sizeof line, "%s [%s] %5.1f%% %.4g/%.4g %s %.4g %s/s ETA %s %s",
                        label_.c_str(), bar, frac * 100, done * scale_,
                        static_cast<double>(total_) * scale_, unit_.c_str(), rate * scale_,
                        unit_.c_str(), format_duration(eta).c_str(), suffix_.c_str());
  } else {
    len = std::snprintf(line, sizeof line, "%s %.4g %s %.4g %s/s elapsed %s %s", label_.c_str(),
                        done * scale_, unit_.c_str(), rate * scale_, unit_.c_str(),
                        format_duration(el).c_str(), suffix_.c_str());
  }
  (void)len;
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s", line);
  } else {
    std::fprintf(stderr, "%s\n", line);
  }
  std::fflush(stderr);
}

}  // namespace bertq
