// A libFuzzer-compatible driver for builds without libFuzzer (GCC, CTest): it calls
// LLVMFuzzerTestOneInput on the given corpus files / folders, then on a seeded stream of
// random byte strings and mutations of earlier inputs (bit flips, byte insertions, splices,
// truncations), until -runs=N inputs or -seconds=S have passed. Not coverage-guided; the real
// coverage-guided run is scripts/fuzz.sh (clang + libFuzzer). Options: -seed=N -max_len=N.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<std::string> g_pool;

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string mutate(std::mt19937_64& rng, size_t max_len) {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % (n ? n : 1)); };
  std::string s;
  if (!g_pool.empty() && rng() % 4 != 0) s = g_pool[pick(g_pool.size())];
  const int edits = 1 + static_cast<int>(rng() % 8);
  for (int e = 0; e < edits; ++e) {
    switch (rng() % 6) {
      case 0:  // random bytes
        for (size_t i = 0, n = pick(64); i < n; ++i)
          s.insert(s.begin() + pick(s.size() + 1), char(rng()));
        break;
      case 1:  // flip a bit
        if (!s.empty()) s[pick(s.size())] ^= char(1u << (rng() % 8));
        break;
      case 2:  // truncate
        if (!s.empty()) s.resize(pick(s.size()));
        break;
      case 3:  // splice from another input
        if (!g_pool.empty()) {
          const std::string& o = g_pool[pick(g_pool.size())];
          if (!o.empty()) {
            const size_t b = pick(o.size());
            s.insert(pick(s.size() + 1), o.substr(b, pick(o.size() - b) + 1));
          }
        }
        break;
      case 4:  // interesting bytes
      {
        static const char kBytes[] = {'\0', '\n',   '"',    '\\',   '{',   '}',
                                      ',',  '\xff', '\xc0', '\x80', '\xe4'};
        s.insert(s.begin() + pick(s.size() + 1), kBytes[pick(sizeof kBytes)]);
      } break;
      default:  // duplicate a range
        if (!s.empty()) {
          const size_t b = pick(s.size());
          s.insert(pick(s.size() + 1), s.substr(b, pick(s.size() - b) + 1));
        }
    }
  }
  if (s.size() > max_len) s.resize(max_len);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  long runs = -1;
  double seconds = 5;
  uint64_t seed = 1;
  size_t max_len = 4096;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (std::strncmp(a, "-runs=", 6) == 0)
      runs = std::atol(a + 6);
    else if (std::strncmp(a, "-seconds=", 9) == 0)
      seconds = std::atof(a + 9);
    else if (std::strncmp(a, "-seed=", 6) == 0)
      seed = std::strtoull(a + 6, nullptr, 10);
    else if (std::strncmp(a, "-max_len=", 9) == 0)
      max_len = std::strtoull(a + 9, nullptr, 10);
    else if (std::filesystem::is_directory(a)) {
      for (const auto& e : std::filesystem::directory_iterator(a))
        if (e.is_regular_file()) g_pool.push_back(read_all(e.path()));
    } else if (std::filesystem::is_regular_file(a)) {
      g_pool.push_back(read_all(a));
    }
  }
  for (const auto& s : g_pool)
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  std::mt19937_64 rng(seed);
  const auto start = std::chrono::steady_clock::now();
  long n = 0;
  while (runs < 0 || n < runs) {
    if (runs < 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > seconds)
      break;
    std::string s = mutate(rng, max_len);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    if (g_pool.size() < 256 && rng() % 16 == 0) g_pool.push_back(std::move(s));
    ++n;
  }
  std::printf("standalone fuzz driver: %ld inputs (+%zu corpus), seed %llu, no crash\n", n,
              g_pool.size(), static_cast<unsigned long long>(seed));
  return 0;
}
