PACKAGES="ruby"
language_version() { ruby -e 'print RUBY_VERSION'; }
