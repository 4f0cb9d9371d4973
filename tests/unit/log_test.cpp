#include "log.h"

#include <gtest/gtest.h>

using namespace polylens;

TEST(redact, masks_every_registered_secret_keeping_its_last_four_characters) {
  log_register_secrets({"jina_abcdefghijklmnop1234", "es-password-9876"});
  EXPECT_EQ(redact("key jina_abcdefghijklmnop1234 and es-password-9876 and again jina_abcdefghijklmnop1234"),
            "key [redacted ...1234] and [redacted ...9876] and again [redacted ...1234]");
  EXPECT_EQ(redact("nothing secret"), "nothing secret");
}
