PACKAGES="rustc"
language_version() { rustc --version | awk '{ print $2 }'; }
