// classify MODEL TEXT...: one line per text, "LABEL SCORE LOGIT..." (scores and logits with 9
// significant digits), then the tokenization the model ran with on stderr. Uses only the
// installed public API (<bertq/bertq.h>); errors are std::runtime_error, reported with exit 1.
#include <bertq/bertq.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL TEXT...\n", argv[0]);
    return 2;
  }
  try {
    const bertq::Classifier clf(argv[1]);
    const std::vector<std::string> texts(argv + 2, argv + argc);
    for (const bertq::Result& r : clf.predict(texts)) {
      std::printf("%s %.9g", r.label.c_str(), double(r.score));
      for (float v : r.logits) std::printf(" %.9g", double(v));
      std::printf("\n");
    }
    std::fprintf(stderr, "bertq %s, tokenization: %s\n", bertq::version(),
                 clf.tokenization().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "classify: %s\n", e.what());
    return 1;
  }
  return 0;
}
