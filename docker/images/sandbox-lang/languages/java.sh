PACKAGES="openjdk-17-jdk-headless"
# The JDK's maintainer scripts register man pages with update-alternatives; the base image keeps
# no docs, so the folder must exist.
prepare() { mkdir -p /usr/share/man/man1; }
language_version() { javac -version 2>&1 | awk '{ print $2 }'; }
