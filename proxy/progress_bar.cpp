#include "progress_bar.h"

#include <cstdio>
#include <unistd.h>

namespace polylens {

progress_bar::progress_bar(std::size_t total, std::string unit)
    : total_(total), unit_(std::move(unit)), interactive_(isatty(STDERR_FILENO)) {}

void progress_bar::update(std::size_t done, std::size_t worked, const std::string& counters) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  double rate = seconds > 0 ? double(worked) / seconds : 0;
  double eta = rate > 0 && total_ > done ? double(total_ - done) / rate : 0;
  const int width = 30;
  int filled = total_ ? int(width * done / total_) : width;
  std::fprintf(stderr, "%s[%s%s] %zu/%zu  %.1f %s/s  ETA %.0fs  %s%s", interactive_ ? "\r" : "",
               std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), done, total_, rate,
               unit_.c_str(), eta, counters.c_str(), interactive_ ? " " : "\n");
  std::fflush(stderr);
}

void progress_bar::finish() {
  if (interactive_) std::fprintf(stderr, "\n");
}

}  // namespace polylens
