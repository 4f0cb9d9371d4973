// File operations the embedded store's durability rests on, each checked and each naming the file in
// its error: whole writes and reads at an offset, fdatasync, syncing a directory after a file was
// created or renamed in it, and an exclusive lock on a directory (flock) held for a process's life.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "result.h"

namespace polylens {

// Owns one file descriptor; closes it on destruction.
class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(other.release()) {}
  unique_fd& operator=(unique_fd&& other) noexcept;
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release();

 private:
  int fd_ = -1;
};

// Errors here are backend_unavailable: the store cannot do its work until someone fixes the disk.
api_error io_error(const std::string& doing, const std::string& path, int error_number);

result<bool> write_all_at(int fd, const void* data, std::size_t size, std::uint64_t offset, const std::string& path);
result<bool> read_all_at(int fd, void* data, std::size_t size, std::uint64_t offset, const std::string& path);
result<bool> sync_data(int fd, const std::string& path);  // fdatasync: the data and the file size
result<bool> sync_directory(const std::string& directory);

// Holds DIRECTORY/LOCK with flock(LOCK_EX) until destroyed. A second holder, in this process or
// another, is refused at once with an error that names the directory and the pid written in the file.
class directory_lock {
 public:
  static result<directory_lock> acquire(const std::string& directory);
  const std::string& path() const { return path_; }

 private:
  directory_lock(unique_fd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  unique_fd fd_;
  std::string path_;
};

}  // namespace polylens
