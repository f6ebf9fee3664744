PACKAGES="g++ libc6-dev"
language_version() { g++ -dumpfullversion; }
