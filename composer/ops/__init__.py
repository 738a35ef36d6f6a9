"""Operations: what each command does, over the plan, the executor and a Runtime."""
