// The progress bar of the long commands (index, migrate): done/total, rate, ETA and the command's
// own counters. On a terminal it redraws in place; in a log file each update is its own line.
#pragma once
#include <chrono>
#include <cstddef>
#include <string>

namespace polylens {

class progress_bar {
 public:
  progress_bar(std::size_t total, std::string unit);
  // done: items finished (skipped ones too); worked: items that cost real work, for the rate and ETA.
  void update(std::size_t done, std::size_t worked, const std::string& counters);
  void finish();  // ends the redrawn line on a terminal
  bool interactive() const { return interactive_; }

 private:
  std::size_t total_;
  std::string unit_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool interactive_;
};

}  // namespace polylens
