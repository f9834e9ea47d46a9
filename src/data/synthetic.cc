// The built-in synthetic sentiment corpus (see synthetic.h). Frames are patterns over slots:
//   {S} a subject (the plot, the acting, ...)      {M} a word for the movie
//   {A} an adjective of the review's polarity p    {O} an adjective of the opposite polarity
//   {I} an intensifier                             {V} a verb of polarity p ("loved" / "hated")
//   {R} a rating out of ten of polarity p (7..10 / 1..4)
// A negated frame ("the {S} was not {O}") expresses p through the opposite word. Reviews join
// clauses, contrast connectors ("{X} but {Y}", label = the clause after the connector) and mixed
// verdicts; every frame belongs to exactly one split.
#include "data/synthetic.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cctype>

#include "core/error.h"
#include "core/file_util.h"

namespace bertq::data {
namespace {

enum class Kind { CLAUSE, CONTRAST, VERDICT };

struct Frame {
  int id;
  Kind kind;
  bool test;            // held out: used only by the test split
  const char* pattern;  // CONTRAST / VERDICT: {X} = clause of -p, {Y} = clause of p
};

// Ids are stable (they appear in Example ids); add new frames at the end.
constexpr std::array kFrames = {
    Frame{0, Kind::CLAUSE, false, "the {S} was {A}"},
    Frame{1, Kind::CLAUSE, false, "the {S} was {I} {A}"},
    Frame{2, Kind::CLAUSE, false, "the {S} was not {O}"},
    Frame{3, Kind::CLAUSE, false, "i {V} this {M}"},
    Frame{4, Kind::CLAUSE, false, "what a {A} {M}"},
    Frame{5, Kind::CLAUSE, false, "i didn't find the {S} {O}"},
    Frame{6, Kind::CLAUSE, false, "the {S} is {A} and the {S} is {I} {A}"},
    Frame{7, Kind::CLAUSE, false, "{I} {A} {M} overall"},
    Frame{8, Kind::CLAUSE, false, "it was not a {O} {M} at all"},
    Frame{9, Kind::CLAUSE, false, "honestly the {S} felt {A}"},
    Frame{10, Kind::CLAUSE, false, "i would give it {R} out of ten"},
    Frame{11, Kind::CLAUSE, false, "the {S} never felt {O}"},
    Frame{12, Kind::CLAUSE, true, "the {S} seemed {A}"},
    Frame{13, Kind::CLAUSE, true, "the {S} seemed {I} {A}"},
    Frame{14, Kind::CLAUSE, true, "the {S} wasn't {O}"},
    Frame{15, Kind::CLAUSE, true, "this {M} is a {A} one"},
    Frame{16, Kind::CLAUSE, true, "the {S} was not {I} {O}"},
    Frame{17, Kind::CLAUSE, true, "i really {V} the {S}"},
    Frame{18, Kind::CLAUSE, true, "{A} {S} and a {I} {A} {M}"},
    Frame{19, Kind::CLAUSE, true, "{R} out of ten from me"},
    Frame{20, Kind::CLAUSE, true, "the {S} did not feel {O} to me"},
    Frame{21, Kind::CONTRAST, false, "{X} but {Y}"},
    Frame{22, Kind::CONTRAST, false, "{X}. however, {Y}"},
    Frame{23, Kind::CONTRAST, true, "{X}, but in the end {Y}"},
    Frame{24, Kind::CONTRAST, true, "{X}. however, i think {Y}"},
    Frame{25, Kind::VERDICT, false, "{X}. overall, {Y}"},
    Frame{26, Kind::VERDICT, false, "{X}. all in all, {Y}"},
    Frame{27, Kind::VERDICT, true, "{X}. in the end, {Y}"},
};

constexpr std::array kSubjects = {"plot",           "acting",         "story",          "cast",
                                  "soundtrack",     "dialogue",       "ending",         "script",
                                  "pacing",         "lead actor",     "villain",        "humor",
                                  "visual effects", "cinematography", "director's work"};
constexpr std::array kPositive = {"great",     "superb",     "wonderful", "brilliant",
                                  "moving",    "delightful", "gripping",  "charming",
                                  "excellent", "fun",        "beautiful", "clever"};
constexpr std::array kNegative = {"dull",        "boring",  "awful",       "terrible",
                                  "clumsy",      "tedious", "bland",       "weak",
                                  "predictable", "messy",   "forgettable", "silly"};
constexpr std::array kIntensifiers = {"very",       "really",     "truly", "incredibly",
                                      "absolutely", "remarkably", "so",    "quite"};
constexpr std::array kMovies = {"film",     "movie",  "picture", "sequel",
                                "thriller", "comedy", "drama"};
constexpr std::array kVerbsPos = {"loved", "enjoyed", "adored", "liked", "admired"};
constexpr std::array kVerbsNeg = {"hated", "disliked", "regretted", "loathed", "resented"};
constexpr std::array kNeutral = {"i watched this {M} last weekend", "we saw it at the cinema",
                                 "it runs about two hours",         "the {M} is based on a novel",
                                 "my friend picked this one",       "i went in knowing nothing"};

// splitmix64: the same stream on every platform and standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  template <typename A>
  const char* pick(const A& a) {
    return a[below(a.size())];
  }

 private:
  uint64_t s_;
};

std::vector<const Frame*> frames_of(bool test, Kind kind) {
  std::vector<const Frame*> out;
  for (const Frame& f : kFrames)
    if (f.test == test && f.kind == kind) out.push_back(&f);
  return out;
}

// Fills the slots of `pattern` for polarity `positive`.
std::string fill(const std::string& pattern, bool positive, Rng& rng) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{') {
      out += pattern[i];
      continue;
    }
    const char slot = pattern[i + 1];
    i += 2;  // skip "X}"
    switch (slot) {
      case 'S':
        out += rng.pick(kSubjects);
        break;
      case 'A':
        out += positive ? rng.pick(kPositive) : rng.pick(kNegative);
        break;
      case 'O':
        out += positive ? rng.pick(kNegative) : rng.pick(kPositive);
        break;
      case 'I':
        out += rng.pick(kIntensifiers);
        break;
      case 'M':
        out += rng.pick(kMovies);
        break;
      case 'V':
        out += positive ? rng.pick(kVerbsPos) : rng.pick(kVerbsNeg);
        break;
      case 'R':
        out += std::to_string(positive ? 7 + rng.below(4) : 1 + rng.below(4));
        break;
      default:
        throw Error(ErrorCode::INTERNAL, cat("synthetic frame \"", pattern, "\": slot ", slot));
    }
  }
  return out;
}

struct Built {
  std::string text;
  std::vector<int> frames;
};

std::string clause(bool test, bool positive, Rng& rng, std::vector<int>& used) {
  const auto fs = frames_of(test, Kind::CLAUSE);
  const Frame* f = fs[rng.below(fs.size())];
  used.push_back(f->id);
  return fill(f->pattern, positive, rng);
}

std::string combine(const Frame* f, const std::string& x, const std::string& y) {
  std::string p = f->pattern, out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '{' && i + 2 < p.size() && p[i + 2] == '}') {
      out += p[i + 1] == 'X' ? x : y;
      i += 2;
    } else {
      out += p[i];
    }
  }
  return out;
}

// Capitalises the first letter of every sentence and ends the text with "." or "!".
std::string finish(std::string s, Rng& rng) {
  bool start = true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (start && std::isalnum(static_cast<unsigned char>(s[i]))) {  // "9 out of ten" stays
      s[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
      start = false;
    } else if (s[i] == '.') {
      start = true;
    }
  }
  s += rng.below(4) == 0 ? "!" : ".";
  return s;
}

Built review(bool test, bool positive, Rng& rng) {
  Built b;
  const double r = rng.unit();
  if (r < 0.45) {  // one or two clauses of p
    b.text = clause(test, positive, rng, b.frames);
    if (rng.below(2) == 0)
      b.text += (rng.below(2) ? " and " : ". ") + clause(test, positive, rng, b.frames);
  } else if (r < 0.65) {  // contrast: the final clause decides
    const auto cs = frames_of(test, Kind::CONTRAST);
    const Frame* f = cs[rng.below(cs.size())];
    const std::string x = clause(test, !positive, rng, b.frames);
    const std::string y = clause(test, positive, rng, b.frames);
    b.frames.push_back(f->id);
    b.text = combine(f, x, y);
  } else if (r < 0.8) {  // mixed: neutral, a clause of -p, a verdict of p
    const auto vs = frames_of(test, Kind::VERDICT);
    const Frame* f = vs[rng.below(vs.size())];
    const std::string neutral = fill(rng.pick(kNeutral), positive, rng);
    const std::string x = clause(test, !positive, rng, b.frames);
    const std::string y = clause(test, positive, rng, b.frames);
    b.frames.push_back(f->id);
    b.text = neutral + ". " + combine(f, x, y);
  } else {  // a neutral opening, then the opinion
    b.text = fill(rng.pick(kNeutral), positive, rng) + ". " + clause(test, positive, rng, b.frames);
  }
  b.text = finish(std::move(b.text), rng);
  return b;
}

bool is_test_split(const std::string& split) {
  check(split == "train" || split == "test", ErrorCode::INVALID_ARGUMENT,
        "synthetic corpus: split \"", split, "\": expected train or test");
  return split == "test";
}

}  // namespace

const std::vector<std::string>& synthetic_labels() {
  static const std::vector<std::string> labels = {"NEGATIVE", "POSITIVE"};
  return labels;
}

std::vector<int> synthetic_frame_ids(const std::string& split) {
  const bool test = is_test_split(split);
  std::vector<int> ids;
  for (const Frame& f : kFrames)
    if (f.test == test) ids.push_back(f.id);
  return ids;
}

std::vector<Example> generate_synthetic(const std::string& split, size_t n, uint64_t seed) {
  const bool test = is_test_split(split);
  // Different streams per split, so the train and test reviews are independent.
  Rng rng(seed * 0x2545f4914f6cdd1dULL + (test ? 0x7e57 : 0x7a1));
  std::vector<int> labels(n);
  for (size_t i = 0; i < n; ++i) labels[i] = i < (n + 1) / 2 ? 1 : 0;
  for (size_t i = n; i > 1; --i) std::swap(labels[i - 1], labels[rng.below(i)]);  // Fisher-Yates
  std::vector<Example> out(n);
  for (size_t i = 0; i < n; ++i) {
    Built b = review(test, labels[i] == 1, rng);
    Example& ex = out[i];
    ex.text = std::move(b.text);
    ex.label = labels[i];
    ex.label_name = synthetic_labels()[labels[i]];
    ex.split = split;
    ex.id = cat("synthetic/", split, "/", i, ":");
    for (size_t k = 0; k < b.frames.size(); ++k) ex.id += cat(k ? "," : "", "f", b.frames[k]);
  }
  return out;
}

std::vector<std::string> write_synthetic_corpus(const std::string& dir,
                                                const SyntheticOptions& options) {
  check(options.train_size > 0 && options.test_size > 0, ErrorCode::INVALID_ARGUMENT,
        "synthetic corpus: train and test sizes must be positive");
  make_dirs(dir);
  std::vector<std::string> paths;
  for (const auto& [split, n] :
       {std::pair<std::string, size_t>{"train", options.train_size}, {"test", options.test_size}}) {
    std::string body;
    for (const Example& ex : generate_synthetic(split, n, options.seed)) {
      body += nlohmann::json{{"text", ex.text}, {"label", ex.label_name}, {"id", ex.id}}.dump();
      body += '\n';
    }
    paths.push_back(join_path(dir, split + ".jsonl"));
    write_file_atomic(paths.back(), body);
  }
  return paths;
}

}  // namespace bertq::data
