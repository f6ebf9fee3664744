PACKAGES="gcc libc6-dev"
language_version() { gcc -dumpfullversion; }
