create table public.profiles (
  id uuid not null primary key,
  username text unique,
  updated_at timestamp with time zone default now()
);

alter table public.profiles enable row level security;

create policy "Profiles are viewable by everyone." on public.profiles
  for select using (true);
