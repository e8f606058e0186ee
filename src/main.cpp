#include "cli/commands.h"

int main(int argc, char** argv) { return dispotify::cli::run_main(argc, argv); }
