-- CreateEnum
CREATE TYPE "Mood" AS ENUM ('HAPPY', 'sad');

-- CreateTable
CREATE TABLE "N" (
    "id" BIGSERIAL NOT NULL,
    "a" TIMESTAMP NOT NULL,
    "b" TIMESTAMPTZ NOT NULL,
    "c" TIME NOT NULL,
    "d" TIMETZ NOT NULL,
    "e" DECIMAL NOT NULL,
    "f" VARCHAR NOT NULL,
    "g" CHAR NOT NULL,
    "h" BIT NOT NULL,
    "i" VARBIT NOT NULL,
    "j" XML NOT NULL,
    "k" MONEY NOT NULL,
    "l" OID NOT NULL,
    "m" TEXT NOT NULL,
    "n" JSONB NOT NULL,
    "o" BYTEA NOT NULL DEFAULT '\x68656c6c6f',
    "p" SMALLSERIAL NOT NULL,
    "q" TIMESTAMP(3) NOT NULL DEFAULT '2020-01-02 03:04:05 +00:00',
    "r" "Mood" NOT NULL DEFAULT 'sad',
    "s" "Mood"[] DEFAULT ARRAY['sad', 'HAPPY']::"Mood"[],
    "t" TEXT NOT NULL DEFAULT 'it''s',
    "u" DOUBLE PRECISION NOT NULL DEFAULT 1000.5,
    "v" BIGINT[],
    "w" DECIMAL(65,30) NOT NULL DEFAULT 1.50,
    "x" TIMESTAMP(0) NOT NULL,
    "y" BOOLEAN NOT NULL,
    "z" INTEGER NOT NULL,
    "aa" VARCHAR(10) NOT NULL,

    CONSTRAINT "N_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "M1" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "M1_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "M2" (
    "id" UUID NOT NULL,

    CONSTRAINT "M2_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Self" (
    "id" INTEGER NOT NULL,

    CONSTRAINT "Self_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "_pair" (
    "A" INTEGER NOT NULL,
    "B" UUID NOT NULL,

    CONSTRAINT "_pair_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateTable
CREATE TABLE "_friends" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_friends_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE INDEX "_pair_B_index" ON "_pair"("B");

-- CreateIndex
CREATE INDEX "_friends_B_index" ON "_friends"("B");

-- AddForeignKey
ALTER TABLE "_pair" ADD CONSTRAINT "_pair_A_fkey" FOREIGN KEY ("A") REFERENCES "M1"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_pair" ADD CONSTRAINT "_pair_B_fkey" FOREIGN KEY ("B") REFERENCES "M2"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_friends" ADD CONSTRAINT "_friends_A_fkey" FOREIGN KEY ("A") REFERENCES "Self"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_friends" ADD CONSTRAINT "_friends_B_fkey" FOREIGN KEY ("B") REFERENCES "Self"("id") ON DELETE CASCADE ON UPDATE CASCADE;

