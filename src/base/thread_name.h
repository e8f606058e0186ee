// Names the calling thread for `top -H`, perf and gdb (Linux keeps 15
// bytes of it): each long-lived thread says what it is.
#pragma once

#include <string_view>

namespace dispotify {

void name_this_thread(std::string_view name);

}  // namespace dispotify
