"""The combine stages: `extends`, `include`, then the merge of all files into one document."""
