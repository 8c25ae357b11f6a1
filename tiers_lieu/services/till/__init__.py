"""The till's inalterable records (issue 21): the hash-chained journal, ticket numbers, the
numbered closures, archives, receipts, invoices, donations and the accountant's export."""
