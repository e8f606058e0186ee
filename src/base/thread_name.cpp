#include "base/thread_name.h"

#include <pthread.h>

#include <string>

namespace dispotify {

void name_this_thread(std::string_view name) {
  constexpr size_t kNameBytesMax = 15;  // the kernel's limit, without the NUL
  const std::string cut(name.substr(0, kNameBytesMax));
  pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace dispotify
