#include "durable_io.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace polylens {

unique_fd& unique_fd::operator=(unique_fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

unique_fd::~unique_fd() {
  if (fd_ >= 0) ::close(fd_);
}

int unique_fd::release() { return std::exchange(fd_, -1); }

api_error io_error(const std::string& doing, const std::string& path, int error_number) {
  return {error_type::backend_unavailable, "cannot " + doing + " " + path + ": " + std::strerror(error_number)};
}

result<bool> write_all_at(int fd, const void* data, std::size_t size, std::uint64_t offset, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::pwrite(fd, p, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("write to", path, errno);
    if (n == 0) return io_error("write to", path, EIO);
    p += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

result<bool> read_all_at(int fd, void* data, std::size_t size, std::uint64_t offset, const std::string& path) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::pread(fd, p, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("read", path, errno);
    if (n == 0)
      return api_error{error_type::backend_error,
                       path + " ends before byte " + std::to_string(offset + size) + ", where a stored record should be"};
    p += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

result<bool> sync_data(int fd, const std::string& path) {
  if (::fdatasync(fd) != 0) return io_error("sync", path, errno);
  return true;
}

result<bool> sync_directory(const std::string& directory) {
  unique_fd dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return io_error("open the directory", directory, errno);
  if (::fsync(dir.get()) != 0) return io_error("sync the directory", directory, errno);
  return true;
}

result<directory_lock> directory_lock::acquire(const std::string& directory) {
  std::string path = directory + "/LOCK";
  unique_fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) return io_error("create the lock file", path, errno);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return io_error("lock", path, errno);
    char holder[32] = {};
    ssize_t n = ::pread(fd.get(), holder, sizeof holder - 1, 0);
    std::string pid = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return api_error{error_type::backend_unavailable,
                     "the store in " + directory + " is already open" +
                         (pid.empty() ? std::string() : " (process " + pid + " holds " + path + ")") +
                         "; one process at a time may use a store directory"};
  }
  // Only a hint for the message above: the lock itself is the flock, released when the process ends.
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) == 0) (void)write_all_at(fd.get(), pid.data(), pid.size(), 0, path);
  return directory_lock(std::move(fd), std::move(path));
}

}  // namespace polylens
