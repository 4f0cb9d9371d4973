// Errors are values: every fallible call in shared/, proxy/ and web/ returns result<T>.
// (std::expected is C++23 and Emscripten 3.1.6's libc++ predates it.)
#pragma once
#include <string>
#include <utility>
#include <variant>

#include "api_error.h"

namespace polylens {

template <typename T>
class result {
 public:
  result(T value) : state_(std::move(value)) {}
  result(api_error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const api_error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, api_error> state_;
};

}  // namespace polylens
