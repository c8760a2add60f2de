"""What reports and applications share on their way through the bureau: the review
mechanism (``review``), the reviewer's return form and the notifications with their mail."""
