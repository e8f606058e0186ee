#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/commands.h"

namespace dispotify::cli {
namespace {

constexpr const char* kUsage =
    "usage: dispotify COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  serve     run a node (see dispotify serve --help)\n"
    "  import    upload a folder of music to a server (see dispotify import --help)\n"
    "  cluster   status, remove or transfer-leader (see dispotify cluster --help)\n"
    "  probe     exit 0 if a URL answers 200: a health check (see dispotify probe --help)\n"
    "  version   print the version\n"
    "\n"
    "Every command takes --help.\n";

}  // namespace

int run_version(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << "usage: dispotify version\n\nPrints the version of this binary.\n";
    return 0;
  }
  std::cout << "dispotify " << DISPOTIFY_VERSION << "\n";
  return 0;
}

int run_main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "serve") return run_serve(args);
  if (command == "import") return run_import(args);
  if (command == "cluster") return run_cluster(args);
  if (command == "probe") return run_probe(args);
  if (command == "version" || command == "--version") return run_version(args);
  std::fprintf(stderr, "dispotify: unknown command \"%s\"\n\n%s", command.c_str(), kUsage);
  return 2;
}

}  // namespace dispotify::cli
