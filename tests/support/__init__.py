"""What several test modules share: planted mistakes and alternatives, hostile submissions, graders, tables."""
