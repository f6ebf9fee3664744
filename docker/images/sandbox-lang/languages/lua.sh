PACKAGES="lua5.4"
language_version() { lua5.4 -v | awk '{ print $2 }'; }
